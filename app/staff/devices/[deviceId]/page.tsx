import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { staffDevice } from "@/lib/devices/staff-api";
import { AppError } from "@/lib/errors";
import { MeasurementChart } from "../../../_components/chart/measurement-chart";
import { ActivityList, LatestValues } from "../../../_components/device-panels";
import { ago } from "../../../_components/format";
import { StatusBadge } from "../../../_components/status-badge";
import { Time } from "../../../_components/time";
import { Badge, type Tone } from "../../../_components/ui/badge";
import { Panel } from "../../../_components/ui/card";
import { CopyButton } from "../../../_components/ui/copy-button";
import { DataTable } from "../../../_components/ui/data-table";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { Tabs } from "../../../_components/ui/tabs";
import { Truncate } from "../../../_components/ui/truncate";
import { FirmwareHistory } from "../../../_components/firmware-history";
import { Notice } from "../../../_components/ui/notice";
import { AcknowledgeAlarmButton, FirmwareUpdateForm } from "./firmware-update-form";
import { StaffDeviceActions } from "./staff-device-actions";

export const metadata: Metadata = { title: "Device (staff)" };

const COMMAND_TONE: Record<string, Tone> = {
  done: "ok",
  queued: "accent",
  in_progress: "accent",
  failed: "danger",
  expired: "neutral",
};

export default async function StaffDevicePage({ params }: { params: Promise<{ deviceId: string }> }) {
  const { deviceId } = await params;
  const me = await requireStaffPage(`/staff/devices/${encodeURIComponent(deviceId)}`);
  const device = await staffDevice(deviceId).catch((err) => {
    if (err instanceof AppError && err.code === "device_not_found") notFound();
    throw err;
  });
  const canChange = canChangeStaffData(me.role);
  // Commands and revocation only reach a device holding a live credential.
  const live = device.status === "online" || device.status === "offline";
  const fact = (label: string, value: React.ReactNode, testId?: string) => (
    <div className="min-w-0">
      <dt className="text-xs text-muted">{label}</dt>
      <dd className="mt-0.5 min-w-0 text-sm" data-testid={testId}>
        {value}
      </dd>
    </div>
  );
  return (
    <Main width="console">
      <PageHeader
        back={{ href: "/staff/devices", label: "Fleet" }}
        title={device.name}
        titleTestId="device-name"
        badge={<StatusBadge status={device.status} />}
        description={
          <>
            {device.model} · firmware {device.firmware} · last seen {ago(device.lastSeenAt)}
          </>
        }
      />
      <dl
        className="grid grid-cols-1 gap-x-6 gap-y-4 rounded-lg border border-line bg-surface p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-4"
        data-testid="device-facts"
      >
        {fact(
          "Id",
          <span className="flex min-w-0 items-center gap-1">
            <Truncate value={device.id} mono />
            <CopyButton value={device.id} label="Copy the device id" copiedLabel="Copied" iconOnly variant="ghost" />
          </span>,
        )}
        {fact(
          "Owner",
          <>
            <Link
              href={`/staff/audit?account=${device.owner.id}`}
              className="block truncate"
              title={device.owner.email}
            >
              {device.owner.email}
            </Link>
            <span className="text-xs text-muted">{device.owner.name}</span>
          </>,
          "device-owner",
        )}
        {fact(
          "Viewers",
          device.viewers.length === 0
            ? "Not shared"
            : device.viewers.map((v) => <Truncate key={v.id} value={`${v.email} (${v.name})`} />),
          "device-viewers",
        )}
        {fact(
          "Study",
          device.study ? (
            <Link href={`/staff/studies/${device.study.id}`} className="block truncate" title={device.study.name}>
              {device.study.name}
            </Link>
          ) : (
            <span className="text-muted">None</span>
          ),
          "device-study",
        )}
        {fact("Measurement interval", `${device.measurementIntervalSeconds} s`, "device-interval")}
        {fact("Claimed", <Time value={device.createdAt} />)}
        {fact("Last seen", ago(device.lastSeenAt))}
      </dl>

      <section aria-labelledby="latest-title" className="mt-6">
        <h2 id="latest-title" className="sr-only">
          Latest values
        </h2>
        <LatestValues label="Latest values" latest={device.latest} empty="No measurements yet." />
      </section>

      <Panel title="History" className="mt-4">
        <MeasurementChart
          deviceId={device.id}
          seriesPath={`/api/v1/staff/devices/${device.id}/series`}
          releasedAt={device.releasedAt?.toISOString() ?? null}
        />
      </Panel>

      <Panel
        title="Firmware"
        className="mt-4"
        data-testid="device-firmware"
        description={
          <>
            Running <span data-testid="running-firmware">{device.firmware}</span>, as the device last reported it.
          </>
        }
      >
        <div className="space-y-4">
          {device.firmwareUpdates
            .filter((u) => u.alarmOpen)
            .map((u) => (
              <Notice
                key={u.commandId}
                tone="danger"
                role="alert"
                data-testid="firmware-alarm"
                title="This device refused an update's signature"
                actions={canChange ? <AcknowledgeAlarmButton commandId={u.commandId} /> : undefined}
              >
                <p>
                  The update to {u.toVersion} reached it with a signature no firmware key it trusts made: the command or
                  the image was altered on the way or on the server. Check the server and its firmware images.
                </p>
              </Notice>
            ))}
          {canChange && live && <FirmwareUpdateForm deviceId={device.id} images={device.firmwareImages} />}
          <FirmwareHistory updates={device.firmwareUpdates} empty="No firmware update sent." />
        </div>
      </Panel>

      {canChange && device.status !== "released" && (
        <div className="mt-4">
          <StaffDeviceActions
            id={device.id}
            name={device.name}
            live={live}
            interval={device.measurementIntervalSeconds}
          />
        </div>
      )}

      <div className="mt-8">
        <Tabs
          label="Device records"
          tabs={[
            {
              value: "audit",
              label: "Audit trail",
              content: (
                <div className="space-y-3">
                  <Link href={`/staff/audit?device=${device.id}`} className="text-sm">
                    Full audit log of this device
                  </Link>
                  <ActivityList events={device.audit} showActor empty="No activity recorded." />
                </div>
              ),
            },
            {
              value: "commands",
              label: "Commands",
              content:
                device.commands.length === 0 ? (
                  <p className="text-sm text-muted">No commands sent.</p>
                ) : (
                  <DataTable
                    data-testid="device-commands"
                    rows={device.commands}
                    rowKey={(c) => c.id}
                    rowProps={(c) => ({ "data-command-id": c.id })}
                    columns={[
                      {
                        key: "command",
                        header: "Command",
                        primary: true,
                        cell: (c) => (
                          <>
                            {c.type}
                            {Object.keys(c.params).length ? (
                              <span className="ms-1 font-mono text-xs text-muted">{JSON.stringify(c.params)}</span>
                            ) : null}
                          </>
                        ),
                      },
                      {
                        key: "status",
                        header: "Status",
                        nowrap: true,
                        cell: (c) => <Badge tone={COMMAND_TONE[c.status] ?? "neutral"}>{c.status}</Badge>,
                      },
                      { key: "issued", header: "Issued", nowrap: true, cell: (c) => <Time value={c.issuedAt} /> },
                      { key: "expires", header: "Expires", nowrap: true, cell: (c) => <Time value={c.expiresAt} /> },
                      { key: "detail", header: "Detail", cell: (c) => c.detail ?? "" },
                    ]}
                  />
                ),
            },
            {
              value: "credentials",
              label: "Credentials",
              content:
                device.credentials.length === 0 ? (
                  <p className="text-sm text-muted">No credential was ever issued.</p>
                ) : (
                  <div className="space-y-2">
                    <DataTable
                      data-testid="device-credentials"
                      rows={device.credentials}
                      rowKey={(c) => c.id}
                      columns={[
                        {
                          key: "id",
                          header: "Credential",
                          primary: true,
                          cell: (c) => <Truncate value={c.id} mono className="max-w-56" />,
                        },
                        { key: "created", header: "Created", nowrap: true, cell: (c) => <Time value={c.createdAt} /> },
                        {
                          key: "used",
                          header: "Last used",
                          nowrap: true,
                          cell: (c) => <Time value={c.lastUsedAt} />,
                        },
                        {
                          key: "revoked",
                          header: "Revoked",
                          cell: (c) =>
                            c.revokedAt ? (
                              <span className="whitespace-nowrap">
                                <Time value={c.revokedAt} /> ({c.revokedReason ?? "revoked"})
                              </span>
                            ) : (
                              <Badge tone="ok">live</Badge>
                            ),
                        },
                      ]}
                    />
                    <p className="text-xs text-muted">Secrets are never shown.</p>
                  </div>
                ),
            },
          ]}
        />
      </div>
    </Main>
  );
}
