import type { Metadata } from "next";
import Link from "next/link";
import { requireUserPage } from "@/lib/auth/current";
import { myDevices } from "@/lib/devices/api";
import { ago, formatValue, propertyLabel } from "../_components/format";
import { StatusBadge } from "../_components/status-badge";

export const metadata: Metadata = { title: "Your devices" };

export default async function DevicesPage() {
  const user = await requireUserPage("/devices");
  const devices = await myDevices(user);
  return (
    <main>
      <div className="page-head">
        <h1>Your devices</h1>
        <Link className="button" href="/claim">
          Claim a device
        </Link>
      </div>
      {devices.length === 0 ? (
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
          {devices.map((d) => (
            <Link key={d.id} href={`/devices/${d.id}`} className="card device-card" data-device-id={d.id}>
              <h2>{d.name}</h2>
              <div className="small muted">
                {d.model} · <StatusBadge status={d.status} /> · last seen {ago(d.lastSeenAt)}
              </div>
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
          ))}
        </div>
      )}
    </main>
  );
}
