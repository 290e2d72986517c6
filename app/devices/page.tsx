import type { Metadata } from "next";
import Link from "next/link";
import { requireUserPage } from "@/lib/auth/current";
import { myDevices } from "@/lib/devices/api";
import type { DeviceSummary } from "@/lib/devices/views";
import { ago, formatValue, propertyLabel } from "../_components/format";
import { StatusBadge } from "../_components/status-badge";
import { Time } from "../_components/time";

export const metadata: Metadata = { title: "Your devices" };

export default async function DevicesPage() {
  const user = await requireUserPage("/devices");
  const { owned, shared, released } = await myDevices(user);
  return (
    <main>
      <div className="page-head">
        <h1>Your devices</h1>
        <Link className="button" href="/claim">
          Claim a device
        </Link>
      </div>
      {owned.length === 0 ? (
        <div className="card empty" data-testid="empty-devices">
          <h2>No devices yet</h2>
          <p>
            Switch your device on. When its screen shows a square code, point your phone&apos;s camera at it and open
            the link, or press <strong>Claim a device</strong> and scan it here.
          </p>
          <Link className="button" href="/claim">
            Claim a device
          </Link>
        </div>
      ) : (
        <div className="device-grid" data-testid="device-list">
          {owned.map((d) => (
            <DeviceCard key={d.id} d={d} />
          ))}
        </div>
      )}

      {shared.length > 0 && (
        <section aria-labelledby="shared-head">
          <h2 id="shared-head">Shared with you</h2>
          <p className="small muted">You can see these devices&apos; values and history; their owners manage them.</p>
          <div className="device-grid" data-testid="shared-list">
            {shared.map((d) => (
              <DeviceCard key={d.id} d={d} note={`Shared by ${d.ownerName}`} />
            ))}
          </div>
        </section>
      )}

      {released.length > 0 && (
        <section aria-labelledby="released-head">
          <h2 id="released-head">Released</h2>
          <p className="small muted">
            Devices you gave away. Their history up to the release stays here, read-only; whoever claims them next
            starts afresh.
          </p>
          <ul className="plain-list" data-testid="released-list">
            {released.map((d) => (
              <li key={d.id} data-device-id={d.id}>
                <Link href={`/devices/${d.id}`}>{d.name}</Link>{" "}
                <span className="small muted">
                  {d.model} · released <Time value={d.releasedAt} />
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}

function DeviceCard({ d, note }: { d: DeviceSummary; note?: string }) {
  return (
    <Link href={`/devices/${d.id}`} className="card device-card" data-device-id={d.id}>
      <h3>{d.name}</h3>
      <div className="small muted">
        {d.model} · <StatusBadge status={d.status} /> · last seen {ago(d.lastSeenAt)}
      </div>
      {note && <div className="small muted">{note}</div>}
      {d.status === "lost" && <div className="small">Reported lost or stolen: it can no longer send data.</div>}
      {d.latest.length > 0 ? (
        <div className="values">
          {d.latest.map((r) => (
            <div className="value" key={r.property}>
              <strong>{formatValue(r.value, r.unit)}</strong>
              <span>{propertyLabel(r.property)}</span>
            </div>
          ))}
        </div>
      ) : (
        <p className="small muted">No measurements yet.</p>
      )}
    </Link>
  );
}
