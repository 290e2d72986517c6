import type { Metadata } from "next";
import { ActivityTable, LatestValues } from "../../../_components/device-panels";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { staffDevice } from "@/lib/devices/api";
import { AppError } from "@/lib/errors";
import { ago } from "../../../_components/format";
import { StatusBadge } from "../../../_components/status-badge";
import { Time } from "../../../_components/time";
import { MeasurementChart } from "../../../devices/[deviceId]/measurement-chart";
import { StaffDeviceActions } from "./staff-device-actions";

export const metadata: Metadata = { title: "Device (staff)" };

export default async function StaffDevicePage({ params }: { params: Promise<{ deviceId: string }> }) {
  const { deviceId } = await params;
  const me = await requireStaffPage(`/staff/devices/${encodeURIComponent(deviceId)}`);
  const device = await staffDevice(deviceId).catch((err) => {
    if (err instanceof AppError && err.code === "device_not_found") notFound();
    throw err;
  });
  const canChange = canChangeStaffData(me.role);
  return (
    <main>
      <p className="small">
        <Link href="/staff/devices">← Fleet</Link>
      </p>
      <div className="page-head">
        <h1 data-testid="device-name">{device.name}</h1>
        {device.status === "released" ? (
          <span className="badge">Released</span>
        ) : (
          <StatusBadge status={device.status} />
        )}
      </div>
      <dl className="facts" data-testid="device-facts">
        <dt>Id</dt>
        <dd className="mono">{device.id}</dd>
        <dt>Model</dt>
        <dd>{device.model}</dd>
        <dt>Firmware</dt>
        <dd>{device.firmware}</dd>
        <dt>Owner</dt>
        <dd data-testid="device-owner">
          <Link href={`/staff/audit?account=${device.owner.id}`}>{device.owner.email}</Link> ({device.owner.name})
        </dd>
        <dt>Viewers</dt>
        <dd data-testid="device-viewers">
          {device.viewers.length === 0
            ? "Not shared"
            : device.viewers.map((v, i) => (
                <span key={v.id}>
                  {i > 0 && ", "}
                  {v.email} ({v.name})
                </span>
              ))}
        </dd>
        <dt>Measurement interval</dt>
        <dd data-testid="device-interval">{device.measurementIntervalSeconds} s</dd>
        <dt>Claimed</dt>
        <dd>
          <Time value={device.createdAt} />
        </dd>
        <dt>Last seen</dt>
        <dd>{ago(device.lastSeenAt)}</dd>
      </dl>

      {canChange && device.status !== "released" && (
        <StaffDeviceActions id={device.id} name={device.name} revoked={device.status === "revoked"} />
      )}

      <div className="card">
        <h2 style={{ marginTop: 0 }}>Latest values</h2>
        <LatestValues latest={device.latest} empty="No measurements yet." />
      </div>

      <div className="card">
        <h2 style={{ marginTop: 0 }}>History</h2>
        <MeasurementChart deviceId={device.id} seriesPath={`/api/v1/staff/devices/${device.id}/series`} />
      </div>

      <h2>Commands</h2>
      {device.commands.length === 0 ? (
        <p className="muted">No commands sent.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="device-commands">
            <thead>
              <tr>
                <th>Issued</th>
                <th>Command</th>
                <th>Status</th>
                <th>Expires</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {device.commands.map((c) => (
                <tr key={c.id} data-command-id={c.id}>
                  <td>
                    <Time value={c.issuedAt} />
                  </td>
                  <td>
                    {c.type}
                    {Object.keys(c.params).length ? (
                      <span className="small mono"> {JSON.stringify(c.params)}</span>
                    ) : null}
                  </td>
                  <td>
                    <span className={`badge command-${c.status}`}>{c.status}</span>
                  </td>
                  <td>
                    <Time value={c.expiresAt} />
                  </td>
                  <td className="small">{c.detail ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}

      <h2>Credentials</h2>
      {device.credentials.length === 0 ? (
        <p className="muted">No credential was ever issued.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="device-credentials">
            <thead>
              <tr>
                <th>Credential</th>
                <th>Created</th>
                <th>Last used</th>
                <th>Revoked</th>
              </tr>
            </thead>
            <tbody>
              {device.credentials.map((c) => (
                <tr key={c.id}>
                  <td className="mono small">{c.id}</td>
                  <td>
                    <Time value={c.createdAt} />
                  </td>
                  <td>
                    <Time value={c.lastUsedAt} />
                  </td>
                  <td>
                    {c.revokedAt ? (
                      <>
                        <Time value={c.revokedAt} /> ({c.revokedReason ?? "revoked"})
                      </>
                    ) : (
                      <span className="badge">live</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="small muted">Secrets are never shown.</p>

      <h2>Audit trail</h2>
      <p className="small">
        <Link href={`/staff/audit?device=${device.id}`}>Full audit log of this device</Link>
      </p>
      <ActivityTable events={device.audit} showActor />
    </main>
  );
}
