import type { Metadata } from "next";
import { ActivityTable, LatestValues } from "../../_components/device-panels";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireUserPage } from "@/lib/auth/current";
import { myDevice } from "@/lib/devices/api";
import { AppError } from "@/lib/errors";
import { legacyInfoForDevice } from "@/lib/legacy/api";
import { ago } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { Time } from "../../_components/time";
import { DeviceActions } from "./device-actions";
import { ExportForm } from "./export-form";
import { LegacyLinkForm } from "./legacy-link-form";
import { MeasurementChart } from "./measurement-chart";
import { DeviceCommands, DeviceSharing } from "./owner-controls";
import { RenameForm } from "./rename-form";

export const metadata: Metadata = { title: "Device" };

export default async function DevicePage({
  params,
  searchParams,
}: {
  params: Promise<{ deviceId: string }>;
  searchParams: Promise<{ linked?: string | string[] }>;
}) {
  const { deviceId } = await params;
  const linked = (await searchParams).linked;
  const user = await requireUserPage(`/devices/${encodeURIComponent(deviceId)}`);
  const device = await myDevice(user, deviceId).catch((err) => {
    if (err instanceof AppError && err.code === "device_not_found") notFound();
    throw err;
  });
  const owner = device.role === "owner";
  // A released device is read-only for its former owner; a viewer only reads.
  const manages = owner && !device.releasedAt;
  const legacy = await legacyInfoForDevice(user, device.id);
  return (
    <main>
      <p className="small">
        <Link href="/devices">← Your devices</Link>
      </p>
      <div className="page-head">
        <h1 data-testid="device-name">{device.name}</h1>
        {legacy.node ? <span className="badge">Legacy node</span> : <StatusBadge status={device.status} />}
      </div>
      {typeof linked === "string" && /^\d{1,9}$/.test(linked) && (
        <p className="notice ok" role="status" data-testid="legacy-link-message">
          Linked to the legacy node: {linked} earlier readings are now part of this device, marked unverified. Its
          hardware id can no longer send unsigned data.
        </p>
      )}
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
        <LatestValues
          latest={device.latest}
          empty="No measurements yet. They appear here once the device sends them."
        />
      </div>

      <div className="card">
        <h2 style={{ marginTop: 0 }}>History</h2>
        <MeasurementChart deviceId={device.id} />
      </div>

      <div className="card">
        <h2 style={{ marginTop: 0 }}>Export</h2>
        <ExportForm deviceId={device.id} />
      </div>

      {legacy.node && (
        <div className="card" data-testid="legacy-node">
          <h2 style={{ marginTop: 0 }}>Legacy node</h2>
          <p>
            This node identifies itself only by its hardware id
            {manages ? (
              <>
                {" "}
                <code>{legacy.node.hardwareId}</code>
              </>
            ) : null}{" "}
            and sends its data unsigned, so its readings are marked unverified: anyone who knows the id could send as
            it.
            {legacy.node.disabled && " Staff have stopped accepting its data."}
          </p>
          {manages && (
            <p className="small muted">
              Reflash it with Claimlink firmware and claim it with its QR code; then link it from the new device&apos;s
              page to keep this history.
            </p>
          )}
        </div>
      )}
      {manages && !legacy.node && legacy.linkable.length > 0 && (
        <div className="card">
          <h2 style={{ marginTop: 0 }}>Upgraded from a legacy node?</h2>
          <LegacyLinkForm deviceId={device.id} nodes={legacy.linkable} />
        </div>
      )}

      {manages && (
        <>
          <div className="card">
            <h2 style={{ marginTop: 0 }}>Name</h2>
            <RenameForm deviceId={device.id} name={device.name} />
          </div>
          {!device.lostAt && !legacy.node && (
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
          {legacy.node ? (
            <p className="muted">A legacy node has no credential: it does not sign its data.</p>
          ) : device.credential ? (
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
          <ActivityTable events={device.audit} />
        </>
      )}
    </main>
  );
}
