import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { staffDevice } from "@/lib/devices/staff-api";
import { AppError } from "@/lib/errors";
import { MeasurementChart } from "../../../_components/chart/measurement-chart";
import { ActivityList, LatestValues } from "../../../_components/device-panels";
import { agoParts } from "../../../_components/format";
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

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffDevice"))("metaTitle") };
}

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
  const t = await getTranslations("staffDevice");
  const tCommand = await getTranslations("commandStatus");
  const seen = agoParts(device.lastSeenAt);
  const lastSeen = (await getTranslations("devices.ago"))(seen.unit, { n: seen.n });
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
        back={{ href: "/staff/devices", label: t("back") }}
        title={device.name}
        titleTestId="device-name"
        badge={<StatusBadge status={device.status} />}
        description={t("summary", { model: device.model, firmware: device.firmware, ago: lastSeen })}
      />
      <dl
        className="grid grid-cols-1 gap-x-6 gap-y-4 rounded-lg border border-line bg-surface p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-4"
        data-testid="device-facts"
      >
        {fact(
          t("facts.id"),
          <span className="flex min-w-0 items-center gap-1">
            <Truncate value={device.id} mono />
            <CopyButton value={device.id} label={t("copyId")} copiedLabel={t("copied")} iconOnly variant="ghost" />
          </span>,
        )}
        {fact(
          t("facts.owner"),
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
          t("facts.viewers"),
          device.viewers.length === 0
            ? t("notShared")
            : device.viewers.map((v) => <Truncate key={v.id} value={`${v.email} (${v.name})`} />),
          "device-viewers",
        )}
        {fact(
          t("facts.study"),
          device.study ? (
            <Link href={`/staff/studies/${device.study.id}`} className="block truncate" title={device.study.name}>
              {device.study.name}
            </Link>
          ) : (
            <span className="text-muted">{t("noStudy")}</span>
          ),
          "device-study",
        )}
        {fact(t("facts.interval"), `${device.measurementIntervalSeconds} s`, "device-interval")}
        {fact(t("facts.claimed"), <Time value={device.createdAt} />)}
        {fact(t("facts.lastSeen"), lastSeen)}
      </dl>

      <section aria-labelledby="latest-title" className="mt-6">
        <h2 id="latest-title" className="sr-only">
          {t("latest")}
        </h2>
        <LatestValues label={t("latest")} latest={device.latest} empty={t("noMeasurements")} />
      </section>

      <Panel title={t("history")} className="mt-4">
        <MeasurementChart
          deviceId={device.id}
          seriesPath={`/api/v1/staff/devices/${device.id}/series`}
          releasedAt={device.releasedAt?.toISOString() ?? null}
        />
      </Panel>

      <Panel
        title={t("firmware")}
        className="mt-4"
        data-testid="device-firmware"
        description={t.rich("running", {
          version: device.firmware,
          running: (c) => <span data-testid="running-firmware">{c}</span>,
        })}
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
                title={t("alarmTitle")}
                actions={canChange ? <AcknowledgeAlarmButton commandId={u.commandId} /> : undefined}
              >
                <p>{t("alarmText", { version: u.toVersion })}</p>
              </Notice>
            ))}
          {canChange && live && <FirmwareUpdateForm deviceId={device.id} images={device.firmwareImages} />}
          <FirmwareHistory updates={device.firmwareUpdates} empty={t("noFirmwareUpdate")} />
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
          label={t("records")}
          tabs={[
            {
              value: "audit",
              label: t("tabs.audit"),
              content: (
                <div className="space-y-3">
                  <Link href={`/staff/audit?device=${device.id}`} className="text-sm">
                    {t("fullAudit")}
                  </Link>
                  <ActivityList events={device.audit} showActor empty={t("noActivity")} />
                </div>
              ),
            },
            {
              value: "commands",
              label: t("tabs.commands"),
              content:
                device.commands.length === 0 ? (
                  <p className="text-sm text-muted">{t("noCommands")}</p>
                ) : (
                  <DataTable
                    data-testid="device-commands"
                    rows={device.commands}
                    rowKey={(c) => c.id}
                    rowProps={(c) => ({ "data-command-id": c.id })}
                    columns={[
                      {
                        key: "command",
                        header: t("columns.command"),
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
                        header: t("columns.status"),
                        nowrap: true,
                        cell: (c) => (
                          <Badge tone={COMMAND_TONE[c.status] ?? "neutral"}>
                            {tCommand.has(c.status) ? tCommand(c.status) : c.status}
                          </Badge>
                        ),
                      },
                      {
                        key: "issued",
                        header: t("columns.issued"),
                        nowrap: true,
                        cell: (c) => <Time value={c.issuedAt} />,
                      },
                      {
                        key: "expires",
                        header: t("columns.expires"),
                        nowrap: true,
                        cell: (c) => <Time value={c.expiresAt} />,
                      },
                      { key: "detail", header: t("columns.detail"), cell: (c) => c.detail ?? "" },
                    ]}
                  />
                ),
            },
            {
              value: "credentials",
              label: t("tabs.credentials"),
              content:
                device.credentials.length === 0 ? (
                  <p className="text-sm text-muted">{t("noCredentials")}</p>
                ) : (
                  <div className="space-y-2">
                    <DataTable
                      data-testid="device-credentials"
                      rows={device.credentials}
                      rowKey={(c) => c.id}
                      columns={[
                        {
                          key: "id",
                          header: t("columns.credential"),
                          primary: true,
                          cell: (c) => <Truncate value={c.id} mono className="max-w-56" />,
                        },
                        {
                          key: "created",
                          header: t("columns.created"),
                          nowrap: true,
                          cell: (c) => <Time value={c.createdAt} />,
                        },
                        {
                          key: "used",
                          header: t("columns.lastUsed"),
                          nowrap: true,
                          cell: (c) => <Time value={c.lastUsedAt} never={t("never")} />,
                        },
                        {
                          key: "revoked",
                          header: t("columns.revoked"),
                          cell: (c) =>
                            c.revokedAt ? (
                              <span className="whitespace-nowrap">
                                <Time value={c.revokedAt} /> ({c.revokedReason ?? t("revoked")})
                              </span>
                            ) : (
                              <Badge tone="ok">{t("live")}</Badge>
                            ),
                        },
                      ]}
                    />
                    <p className="text-xs text-muted">{t("secretsNeverShown")}</p>
                  </div>
                ),
            },
          ]}
        />
      </div>
    </Main>
  );
}
