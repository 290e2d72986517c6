import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { legacyForStaff } from "@/lib/legacy/staff-api";
import { agoParts } from "../../_components/format";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { DataTable } from "../../_components/ui/data-table";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { BulkCredentialsForm, NodeActions } from "./legacy-credential-forms";
import { ImportForm, RegisterForm, SettingsForm } from "./legacy-forms";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffLegacy"))("title") };
}

export default async function LegacyPage() {
  const me = await requireStaffPage("/staff/legacy");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { settings, nodes } = await legacyForStaff();
  const t = await getTranslations("staffLegacy");
  const tAgo = await getTranslations("devices.ago");
  const ago = (at: Date | string | null) => {
    const seen = agoParts(at);
    return tAgo(seen.unit, { n: seen.n });
  };
  const withoutCredential = nodes.filter((n) => !n.upgradedAt && n.credential === "none").map((n) => n.hardwareId);
  return (
    <Main width="console">
      <PageHeader title={t("title")} description={t("description")} />
      <div className="space-y-8">
        {canChange ? (
          <div className="grid gap-5 xl:grid-cols-2">
            <Panel title={t("acceptance")}>
              <SettingsForm acceptAny={settings.acceptAny} cutoffAt={settings.cutoffAt?.toISOString() ?? null} />
            </Panel>
            <Panel title={t("import")}>
              <ImportForm />
            </Panel>
            <Panel title={t("register")} className="xl:col-span-2">
              <RegisterForm />
            </Panel>
            <Panel title={t("bulk")} className="xl:col-span-2">
              <BulkCredentialsForm withoutCredential={withoutCredential} />
            </Panel>
          </div>
        ) : (
          <Notice data-testid="legacy-acceptance">
            {settings.acceptAny ? t("acceptsAny") : t("acceptsRegistered")}
            {settings.cutoffAt ? ` ${t("cutoff", { at: settings.cutoffAt.toISOString() })}` : ""}
          </Notice>
        )}

        <section aria-labelledby="nodes-title" className="space-y-3">
          <h2 id="nodes-title" className="text-lg font-semibold">
            {t("nodes")}
          </h2>
          {nodes.length === 0 ? (
            <p className="text-sm text-muted">{t("empty")}</p>
          ) : (
            <DataTable
              data-testid="legacy-nodes"
              rows={nodes}
              rowKey={(n) => n.id}
              rowProps={(n) => ({ "data-hardware-id": n.hardwareId })}
              columns={[
                {
                  key: "node",
                  header: t("columns.node"),
                  primary: true,
                  cell: (n) => (
                    <div className="min-w-0">
                      <span className="block">{n.name}</span>
                      <Truncate value={n.hardwareId} mono className="text-xs font-normal text-muted" />
                      <span className="block text-xs font-normal text-muted">
                        {n.model}
                        {n.softwareVersion && (
                          <>
                            {" · "}
                            {/* A version like NRZ-2020-129 wraps between the parts, never at its hyphens. */}
                            <span className="whitespace-nowrap">{n.softwareVersion}</span>
                          </>
                        )}
                        {n.autoRegistered ? ` · ${t("autoRegistered")}` : ""}
                      </span>
                    </div>
                  ),
                },
                {
                  key: "owner",
                  header: t("columns.owner"),
                  cell: (n) => <Truncate value={n.ownerEmail} className="max-w-56" />,
                },
                {
                  key: "state",
                  header: t("columns.state"),
                  cell: (n) => (
                    <span data-testid="legacy-state">
                      {n.upgradedAt ? (
                        <>
                          <Badge tone="ok">{t("upgraded")}</Badge>{" "}
                          <span className="text-xs">
                            {t.rich("upgradedTo", {
                              device: n.upgradedDeviceId ?? "",
                              mono: (c) => <span className="font-mono">{c}</span>,
                              time: () => <Time value={n.upgradedAt} />,
                            })}
                          </span>
                        </>
                      ) : n.disabledAt ? (
                        <Badge tone="danger">{t("refused")}</Badge>
                      ) : (
                        <Badge>{t("accepted")}</Badge>
                      )}
                      {!n.upgradedAt && (
                        <span className="mt-1 block" data-testid="legacy-credential">
                          {n.credential === "active" ? (
                            <Badge tone="ok">{t("password")}</Badge>
                          ) : n.credential === "revoked" ? (
                            <Badge tone="danger">{t("passwordWithdrawn")}</Badge>
                          ) : (
                            <Badge tone="warn">{t("noPassword")}</Badge>
                          )}
                        </span>
                      )}
                      {n.boardReplacedAt && (
                        <span className="mt-1 block text-xs" data-testid="legacy-new-board">
                          {t.rich("newBoard", { time: () => <Time value={n.boardReplacedAt} /> })}
                        </span>
                      )}
                    </span>
                  ),
                },
                { key: "seen", header: t("columns.lastData"), nowrap: true, cell: (n) => ago(n.lastSeenAt) },
                ...(canChange
                  ? [
                      {
                        key: "actions",
                        header: t("columns.actions"),
                        cell: (n: (typeof nodes)[number]) =>
                          n.upgradedAt ? null : (
                            <NodeActions
                              id={n.id}
                              hardwareId={n.hardwareId}
                              disabled={!!n.disabledAt}
                              credential={n.credential}
                            />
                          ),
                      },
                    ]
                  : []),
              ]}
            />
          )}
        </section>
      </div>
    </Main>
  );
}
