import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { modelsForStaff } from "@/lib/models/api";
import Link from "next/link";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { DataTable } from "../../_components/ui/data-table";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { DeleteModelButton, ModelForm, PolicyForm } from "./model-forms";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffModels"))("title") };
}

export default async function ModelsPage() {
  const me = await requireStaffPage("/staff/models");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { policy, models, unlisted } = await modelsForStaff();
  const t = await getTranslations("staffModels");
  return (
    <Main width="console">
      <PageHeader title={t("title")} description={t("description")} />
      <div className="space-y-8">
        <Panel title={t("policy")}>
          {canChange ? (
            <PolicyForm policy={policy} registered={models.length} />
          ) : (
            <p className="text-sm" data-testid="model-policy">
              {policy === "registry" ? t("policyRegistry") : t("policyOpen")}
            </p>
          )}
        </Panel>

        <section aria-labelledby="registry-title" className="space-y-3">
          <h2 id="registry-title" className="text-lg font-semibold">
            {t("registry")}
          </h2>
          {models.length === 0 ? (
            <p className="text-sm text-muted">{t("empty")}</p>
          ) : (
            <DataTable
              data-testid="models"
              rows={models}
              rowKey={(m) => m.model}
              rowProps={(m) => ({ "data-model": m.model })}
              actionsHeader={t("columns.actions")}
              actions={canChange ? (m) => <DeleteModelButton model={m.model} /> : undefined}
              columns={[
                {
                  key: "model",
                  header: t("columns.model"),
                  primary: true,
                  cell: (m) => (
                    <div className="min-w-0">
                      <span className="block">{m.displayName}</span>
                      <Truncate value={m.model} mono className="text-xs font-normal text-muted" />
                      {m.hasConfirmButton && (
                        <span className="block text-xs font-normal text-muted">{t("hasConfirmButton")}</span>
                      )}
                    </div>
                  ),
                },
                {
                  key: "firmware",
                  header: t("columns.firmware"),
                  cell: (m) => (
                    <>
                      {m.minFirmware ? `≥ ${m.minFirmware}` : null}
                      {m.minFirmware && m.firmwareList?.length ? ` ${t("or")} ` : null}
                      {m.firmwareList?.length ? m.firmwareList.join(", ") : null}
                      {!m.minFirmware && !m.firmwareList?.length && (
                        <span className="text-muted">{t("anyFirmware")}</span>
                      )}
                    </>
                  ),
                },
                {
                  key: "properties",
                  header: t("columns.properties"),
                  cell: (m) =>
                    m.properties.length === 0 ? (
                      <span className="text-muted">{t("noneListed")}</span>
                    ) : (
                      m.properties.map((p) => `${p.property}${p.unit ? ` (${p.unit})` : ""}`).join(", ")
                    ),
                },
                {
                  key: "interval",
                  header: t("columns.interval"),
                  nowrap: true,
                  cell: (m) => `${m.defaultIntervalSeconds} s`,
                },
                {
                  key: "legacy",
                  header: t("columns.legacy"),
                  nowrap: true,
                  cell: (m) => (m.legacyRefused ? <Badge tone="danger">{t("refused")}</Badge> : t("accepted")),
                },
              ]}
            />
          )}
        </section>

        {canChange && (
          <Panel title={t("addTitle")}>
            <ModelForm />
          </Panel>
        )}

        <section aria-labelledby="unlisted-title" className="space-y-3">
          <div>
            <h2 id="unlisted-title" className="text-lg font-semibold">
              {t("unlisted")}
            </h2>
            <p className="text-sm text-muted">{t("unlistedText")}</p>
          </div>
          {unlisted.length === 0 ? (
            <p className="text-sm text-muted">{t("noneSeen")}</p>
          ) : (
            <DataTable
              data-testid="unlisted"
              rows={unlisted}
              rowKey={(u) => `${u.model}/${u.property}`}
              columns={[
                {
                  key: "model",
                  header: t("columns.model"),
                  primary: true,
                  cell: (u) => <Truncate value={u.model} mono />,
                },
                { key: "property", header: t("columns.property"), cell: (u) => <Truncate value={u.property} mono /> },
                {
                  key: "first",
                  header: t("columns.firstSeen"),
                  nowrap: true,
                  cell: (u) => <Time value={u.firstSeenAt} />,
                },
                {
                  key: "last",
                  header: t("columns.lastSeen"),
                  nowrap: true,
                  cell: (u) => <Time value={u.lastSeenAt} />,
                },
                {
                  key: "device",
                  header: t("columns.lastDevice"),
                  cell: (u) => (
                    <Link
                      href={`/staff/devices/${u.lastDeviceId}`}
                      className="block max-w-40 truncate font-mono text-xs"
                    >
                      {u.lastDeviceId}
                    </Link>
                  ),
                },
              ]}
            />
          )}
        </section>
      </div>
    </Main>
  );
}
