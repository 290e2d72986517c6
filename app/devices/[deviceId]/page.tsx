import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUserPage } from "@/lib/auth/current";
import { myDevice } from "@/lib/devices/owner-api";
import { AppError } from "@/lib/errors";
import { legacyInfoForDevice } from "@/lib/legacy/api";
import { MeasurementChart } from "../../_components/chart/measurement-chart";
import { ActivityList, LatestValues } from "../../_components/device-panels";
import { ago } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { ButtonLink } from "../../_components/ui/button";
import { Panel } from "../../_components/ui/card";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { Tabs, type Tab } from "../../_components/ui/tabs";
import { Truncate } from "../../_components/ui/truncate";
import { FirmwareHistory } from "../../_components/firmware-history";
import { DangerZone } from "./danger-zone";
import { ExportForm } from "./export-form";
import { LegacyLinkForm } from "./legacy-link-form";
import { NodeCredentialForm } from "./node-credential-form";
import { DeviceCommands, DeviceSharing, RenameForm } from "./owner-controls";

export const metadata: Metadata = { title: "Device" };

/**
 * A device's page: its values and chart first; then, for its owner, the activity in words and
 * the settings, sharing and export in tabs, offering only what fits the device's state (a lost
 * device is not renamed, shared or sent commands; a released one is only read).
 */
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
  const active = manages && !device.lostAt;
  const legacy = await legacyInfoForDevice(user, device.id);

  const tabs: Tab[] = [];
  if (owner)
    tabs.push({
      value: "activity",
      label: "Activity",
      content: <ActivityList events={device.audit} empty="No activity recorded." />,
    });
  if (manages)
    tabs.push({
      value: "settings",
      label: "Settings",
      content: (
        <div className="space-y-5">
          {active && (
            <Panel title="Name">
              <RenameForm deviceId={device.id} name={device.name} />
            </Panel>
          )}
          {active && !legacy.node && (
            <Panel title="Measurements and commands">
              <DeviceCommands
                deviceId={device.id}
                interval={device.measurementIntervalSeconds}
                limits={device.intervalLimits}
              />
            </Panel>
          )}
          {active && legacy.node && !legacy.node.upgraded && (
            <Panel
              title="Node user and password"
              description="Typed into the node's Send to own API settings; they let Claimlink tell its data from anyone else's."
            >
              <NodeCredentialForm
                deviceId={device.id}
                state={legacy.node.credential}
                issuedAt={legacy.node.credentialIssuedAt}
              />
            </Panel>
          )}
          {!legacy.node && legacy.linkable.length > 0 && (
            <Panel
              title="Upgraded from a legacy node?"
              description="Take over the history of the node this board used to be."
            >
              <LegacyLinkForm deviceId={device.id} nodes={legacy.linkable} />
            </Panel>
          )}
          <Panel title="Credential" description="The device's secret never leaves it and is never shown here.">
            {legacy.node ? (
              <p className="text-sm text-muted">A legacy node has no signing credential: see its user and password.</p>
            ) : device.credential ? (
              <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-1.5 text-sm" data-testid="credential">
                <dt className="text-muted">Id</dt>
                <dd>
                  <Truncate value={device.credential.id} mono />
                </dd>
                <dt className="text-muted">Created</dt>
                <dd>
                  <Time value={device.credential.createdAt} />
                </dd>
                <dt className="text-muted">Last used</dt>
                <dd>
                  <Time value={device.credential.lastUsedAt} />
                </dd>
              </dl>
            ) : (
              <p className="text-sm text-danger-text">
                This device has no valid credential: it was revoked. Claim the device again to use it.
              </p>
            )}
          </Panel>
          <DangerZone deviceId={device.id} name={device.name} lost={!!device.lostAt} />
        </div>
      ),
    });
  if (active)
    tabs.push({
      value: "sharing",
      label: "Sharing",
      content: <DeviceSharing deviceId={device.id} shares={device.shares} />,
    });
  if (owner && !legacy.node)
    tabs.push({
      value: "firmware",
      label: "Firmware",
      content: (
        <div className="space-y-3" data-testid="device-firmware">
          <p className="text-sm">
            Running <span data-testid="running-firmware">{device.firmware}</span>, as the device last reported it.
            Updates are signed by its maker and checked by the device before it installs them.
          </p>
          <FirmwareHistory updates={device.firmwareUpdates} empty="No firmware update sent yet." />
        </div>
      ),
    });
  tabs.push({ value: "export", label: "Export", content: <ExportForm deviceId={device.id} /> });

  return (
    <Main width="wide">
      <PageHeader
        back={{ href: "/devices", label: "Your devices" }}
        title={device.name}
        titleTestId="device-name"
        badge={legacy.node ? <Badge tone="warn">Legacy node</Badge> : <StatusBadge status={device.status} />}
        description={
          <>
            {device.model} · firmware {device.firmware} · last seen {ago(device.lastSeenAt)}
          </>
        }
      />

      <div className="space-y-3 empty:hidden">
        {typeof linked === "string" && /^\d{1,9}$/.test(linked) && (
          <Notice tone="ok" role="status" data-testid="legacy-link-message">
            Linked to the legacy node: {linked} earlier readings are now part of this device, each still marked as it
            was sent (unverified or node secret). Its hardware id can no longer send data.
          </Notice>
        )}
        {device.role === "viewer" && (
          <Notice data-testid="viewer-notice">
            Shared with you: you can see its values and history. Its owner manages it.
          </Notice>
        )}
        {device.releasedAt && (
          <Notice data-testid="released-notice">
            You released this device on <Time value={device.releasedAt} />. Its history up to then stays here,
            read-only.
          </Notice>
        )}
        {manages && device.lostAt && (
          <Notice
            tone="danger"
            data-testid="lost-notice"
            title="Reported lost or stolen"
            actions={<ButtonLink href={`/claim?replaces=${device.id}`}>Claim a replacement</ButtonLink>}
          >
            <p>
              On <Time value={device.lostAt} /> its credential was revoked: it can no longer send data. Its name and
              history stay yours.
            </p>
          </Notice>
        )}
        {legacy.node && (
          <Notice tone="warn" data-testid="legacy-node" title="Legacy node">
            <p>
              This node identifies itself by its hardware id
              {manages ? (
                <>
                  {" "}
                  <code>{legacy.node.hardwareId}</code>
                </>
              ) : null}{" "}
              and does not sign its data.{" "}
              {legacy.node.credential === "active"
                ? "It sends a user and password Claimlink issued, so its readings are marked “node secret”: someone who knows only the id cannot send as it."
                : legacy.node.credential === "revoked"
                  ? "Its password was withdrawn: its data is refused until a new one is issued."
                  : "Its readings are marked unverified: anyone who knows the id could send as it."}
              {legacy.node.disabled && " Staff have stopped accepting its data."}
            </p>
            {legacy.node.boardReplacedAt && (
              <p data-testid="new-board">
                New board since <Time value={legacy.node.boardReplacedAt} />: its earlier board&apos;s hardware id is
                refused from then on.
              </p>
            )}
            {manages && (
              <p>
                Reflash it with Claimlink firmware and claim it with its QR code; then link it from the new
                device&apos;s page to keep this history.
              </p>
            )}
          </Notice>
        )}
      </div>

      <section aria-labelledby="latest-title" className="mt-6">
        <h2 id="latest-title" className="sr-only">
          Latest values
        </h2>
        <LatestValues
          label="Latest values"
          latest={device.latest}
          empty="No measurements yet. They appear here once the device sends them."
        />
      </section>

      <Panel title="History" className="mt-4">
        <MeasurementChart deviceId={device.id} releasedAt={device.releasedAt?.toISOString() ?? null} />
      </Panel>

      <div className="mt-8">
        <Tabs label="About this device" tabs={tabs} />
      </div>
    </Main>
  );
}
