import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUserPage } from "@/lib/auth/current";
import { myDevice } from "@/lib/devices/api";
import { AppError } from "@/lib/errors";
import { ago, formatValue, propertyLabel } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { Time } from "../../_components/time";
import { DeviceActions } from "./device-actions";
import { MeasurementChart } from "./measurement-chart";
import { DeviceCommands, DeviceSharing } from "./owner-controls";
import { RenameForm } from "./rename-form";

export const metadata: Metadata = { title: "Device" };

export default async function DevicePage({ params }: { params: Promise<{ deviceId: string }> }) {
  const { deviceId } = await params;
  const user = await requireUserPage(`/devices/${encodeURIComponent(deviceId)}`);
  const device = await myDevice(user, deviceId).catch((err) => {
    if (err instanceof AppError && err.code === "device_not_found") notFound();
    throw err;
  });
  const owner = device.role === "owner";
  // A released device is read-only for its former owner; a viewer only reads.
  const manages = owner && !device.releasedAt;
  return (
    <main>
      <p className="small">
        <Link href="/devices">← Your devices</Link>
      </p>
      <div className="page-head">
        <h1 data-testid="device-name">{device.name}</h1>
        <StatusBadge status={device.status} />
      </div>
      <p className="muted small">
        {device.model} · firmware {device.firmware} · last seen {ago(device.lastSeenAt)}
      </p>
      {device.role === "viewer" && (
        <p className="notice info" data-testid="viewer-notice">
          Shared with you: you can see its values and history. Its owner manages it.
        </p>
      )}
      {device.releasedAt && (
        <p className="notice info" data-testid="released-notice">
          You released this device on <Time value={device.releasedAt} />. Its history up to then stays here, read-only.
        </p>
      )}
      {manages && device.lostAt && (
        <div className="notice error" data-testid="lost-notice">
          <p style={{ margin: 0 }}>
            Reported lost or stolen on <Time value={device.lostAt} />: its credential is revoked and it can no longer
            send data. Its name and history stay yours.
          </p>
          <p style={{ marginBottom: 0 }}>
            <Link className="button" href={`/claim?replaces=${device.id}`}>
              Claim a replacement
            </Link>
          </p>
        </div>
      )}

      <div className="card">
        <h2 style={{ marginTop: 0 }}>Latest values</h2>
        {device.latest.length === 0 ? (
          <p className="muted">No measurements yet. They appear here once the device sends them.</p>
        ) : (
          <div className="values" data-testid="latest-values">
            {device.latest.map((r) => (
              <div className="value" key={r.property}>
                <strong>{formatValue(r.value, r.unit)}</strong>
                <span>
                  {propertyLabel(r.property)} · <Time value={r.time} />
                </span>
              </div>
            ))}
          </div>
        )}
      </div>

      <div className="card">
        <h2 style={{ marginTop: 0 }}>History</h2>
        <MeasurementChart deviceId={device.id} />
      </div>

      {manages && (
        <>
          <div className="card">
            <h2 style={{ marginTop: 0 }}>Name</h2>
            <RenameForm deviceId={device.id} name={device.name} />
          </div>
          {!device.lostAt && (
            <DeviceCommands
              deviceId={device.id}
              interval={device.measurementIntervalSeconds}
              limits={device.intervalLimits}
            />
          )}
          <DeviceSharing deviceId={device.id} shares={device.shares} />
        </>
      )}

      {manages && (
        <div className="card">
          <h2 style={{ marginTop: 0 }}>Credential</h2>
          {device.credential ? (
            <dl className="facts" data-testid="credential">
              <dt>Id</dt>
              <dd className="mono">{device.credential.id}</dd>
              <dt>Created</dt>
              <dd>
                <Time value={device.credential.createdAt} />
              </dd>
              <dt>Last used</dt>
              <dd>
                <Time value={device.credential.lastUsedAt} />
              </dd>
            </dl>
          ) : (
            <p className="notice error">
              This device has no valid credential: it was revoked. Claim the device again to use it.
            </p>
          )}
          <p className="small muted">The device&apos;s secret never leaves it and is never shown here.</p>
        </div>
      )}

      {manages && <DeviceActions deviceId={device.id} name={device.name} lost={!!device.lostAt} />}

      {owner && (
        <>
          <h2>Activity</h2>
          {device.audit.length === 0 ? (
            <p className="muted">No activity recorded.</p>
          ) : (
            <div className="table-wrap">
              <table data-testid="device-audit">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>What</th>
                    <th>Outcome</th>
                  </tr>
                </thead>
                <tbody>
                  {device.audit.map((e) => (
                    <tr key={e.id}>
                      <td>
                        <Time value={e.at} />
                      </td>
                      <td>
                        <code>{e.action}</code>
                      </td>
                      <td>
                        {e.outcome === "success" ? (
                          <span className="badge">success</span>
                        ) : (
                          <span className="badge disabled">failure</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </main>
  );
}
