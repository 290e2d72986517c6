import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
import { requireUserPage } from "@/lib/auth/current";
import { myDevice } from "@/lib/devices/owner-api";
import { AppError } from "@/lib/errors";
import { legacyInfoForDevice } from "@/lib/legacy/owner-api";
import { MeasurementChart } from "../../_components/chart/measurement-chart";
import { ActivityList, LatestValues } from "../../_components/device-panels";
import { agoParts } from "../../_components/format";
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

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("device"))("metaTitle") };
}

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
  const t = await getTranslations("device");
  const tDevices = await getTranslations("devices");
  const seen = agoParts(device.lastSeenAt);

  const tabs: Tab[] = [];
  if (owner)
    tabs.push({
      value: "activity",
      label: t("tabs.activity"),
      content: <ActivityList events={device.audit} empty={t("noActivity")} />,
    });
  if (manages)
    tabs.push({
      value: "settings",
      label: t("tabs.settings"),
      content: (
        <div className="space-y-5">
          {active && (
            <Panel title={t("name")}>
              <RenameForm deviceId={device.id} name={device.name} />
            </Panel>
          )}
          {active && !legacy.node && (
            <Panel title={t("commandsTitle")}>
              <DeviceCommands
                deviceId={device.id}
                interval={device.measurementIntervalSeconds}
                limits={device.intervalLimits}
              />
            </Panel>
          )}
          {active && legacy.node && !legacy.node.upgraded && (
            <Panel title={t("nodeCredentialTitle")} description={t("nodeCredentialText")}>
              <NodeCredentialForm
                deviceId={device.id}
                state={legacy.node.credential}
                issuedAt={legacy.node.credentialIssuedAt}
              />
            </Panel>
          )}
          {!legacy.node && legacy.linkable.length > 0 && (
            <Panel title={t("legacyLinkTitle")} description={t("legacyLinkText")}>
              <LegacyLinkForm deviceId={device.id} nodes={legacy.linkable} />
            </Panel>
          )}
          <Panel title={t("credential.title")} description={t("credential.text")}>
            {legacy.node ? (
              <p className="text-sm text-muted">{t("credential.legacy")}</p>
            ) : device.credential ? (
              <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-6 gap-y-1.5 text-sm" data-testid="credential">
                <dt className="text-muted">{t("credential.id")}</dt>
                <dd>
                  <Truncate value={device.credential.id} mono />
                </dd>
                <dt className="text-muted">{t("credential.created")}</dt>
                <dd>
                  <Time value={device.credential.createdAt} />
                </dd>
                <dt className="text-muted">{t("credential.lastUsed")}</dt>
                <dd>
                  <Time value={device.credential.lastUsedAt} never={t("credential.never")} />
                </dd>
              </dl>
            ) : (
              <p className="text-sm text-danger-text">{t("credential.revoked")}</p>
            )}
          </Panel>
          <DangerZone deviceId={device.id} name={device.name} lost={!!device.lostAt} />
        </div>
      ),
    });
  if (active)
    tabs.push({
      value: "sharing",
      label: t("tabs.sharing"),
      content: <DeviceSharing deviceId={device.id} shares={device.shares} />,
    });
  if (owner && !legacy.node)
    tabs.push({
      value: "firmware",
      label: t("tabs.firmware"),
      content: (
        <div className="space-y-3" data-testid="device-firmware">
          <p className="text-sm">
            {t.rich("firmwareRunning", {
              version: device.firmware,
              v: (c) => <span data-testid="running-firmware">{c}</span>,
            })}
          </p>
          <FirmwareHistory updates={device.firmwareUpdates} empty={t("noFirmwareUpdate")} />
        </div>
      ),
    });
  tabs.push({ value: "export", label: t("tabs.export"), content: <ExportForm deviceId={device.id} /> });

  return (
    <Main width="wide">
      <PageHeader
        back={{ href: "/devices", label: tDevices("title") }}
        title={device.name}
        titleTestId="device-name"
        badge={legacy.node ? <Badge tone="warn">{t("legacyNode")}</Badge> : <StatusBadge status={device.status} />}
        description={t("summary", {
          model: device.model,
          firmware: device.firmware,
          ago: tDevices(`ago.${seen.unit}`, { n: seen.n }),
        })}
      />

      <div className="space-y-3 empty:hidden">
        {typeof linked === "string" && /^\d{1,9}$/.test(linked) && (
          <Notice tone="ok" role="status" data-testid="legacy-link-message">
            {t("linked", { count: Number(linked) })}
          </Notice>
        )}
        {device.role === "viewer" && <Notice data-testid="viewer-notice">{t("viewerNotice")}</Notice>}
        {device.releasedAt && (
          <Notice data-testid="released-notice">
            {t.rich("releasedNotice", { time: () => <Time value={device.releasedAt} /> })}
          </Notice>
        )}
        {manages && device.lostAt && (
          <Notice
            tone="danger"
            data-testid="lost-notice"
            title={t("lostTitle")}
            actions={<ButtonLink href={`/claim?replaces=${device.id}`}>{t("claimReplacement")}</ButtonLink>}
          >
            <p>{t.rich("lostText", { time: () => <Time value={device.lostAt} /> })}</p>
          </Notice>
        )}
        {legacy.node && (
          <Notice tone="warn" data-testid="legacy-node" title={t("legacyNode")}>
            <p>
              {manages
                ? t.rich("legacy.identifiesWithId", { id: legacy.node.hardwareId, code: (c) => <code>{c}</code> })
                : t("legacy.identifies")}{" "}
              {t(`legacy.credential.${legacy.node.credential}`)}
              {legacy.node.disabled && ` ${t("legacy.disabled")}`}
            </p>
            {legacy.node.boardReplacedAt && (
              <p data-testid="new-board">
                {t.rich("legacy.newBoard", { time: () => <Time value={legacy.node?.boardReplacedAt ?? null} /> })}
              </p>
            )}
            {manages && <p>{t("legacy.reflash")}</p>}
          </Notice>
        )}
      </div>

      <section aria-labelledby="latest-title" className="mt-6">
        <h2 id="latest-title" className="sr-only">
          {t("latest")}
        </h2>
        <LatestValues label={t("latest")} latest={device.latest} empty={t("noMeasurements")} />
      </section>

      <Panel title={t("history")} className="mt-4">
        <MeasurementChart deviceId={device.id} releasedAt={device.releasedAt?.toISOString() ?? null} />
      </Panel>

      <div className="mt-8">
        <Tabs label={t("tabs.label")} tabs={tabs} />
      </div>
    </Main>
  );
}
