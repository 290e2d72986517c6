import type { Metadata } from "next";
import Link from "next/link";
import { getLocale, getTranslations } from "next-intl/server";
import { intlLocale, isLocale } from "@/lib/i18n/locales";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { firmwareForStaff } from "@/lib/firmware/api";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { DataTable } from "../../_components/ui/data-table";
import { EmptyState } from "../../_components/ui/empty-state";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { ButtonLink } from "../../_components/ui/button";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { UploadForm, YankButton } from "./firmware-forms";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffFirmware"))("metaTitle") };
}

/** "1.50 MiB", "12.3 KiB", in the reader's number format. */
function sizeIn(locale: string) {
  const fixed = (digits: number) => new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return (n: number) => (n >= 1024 * 1024 ? `${fixed(2).format(n / 1024 / 1024)} MiB` : `${fixed(1).format(n / 1024)} KiB`);
}

export default async function FirmwarePage() {
  const me = await requireStaffPage("/staff/firmware");
  const canChange = canChangeStaffData(me.role); // support reads only
  const { keys, maxBytes, models } = await firmwareForStaff();
  const withImages = models.filter((m) => m.images.length > 0);
  const t = await getTranslations("staffFirmware");
  const locale = await getLocale();
  const size = sizeIn(intlLocale(isLocale(locale) ? locale : "en"));
  const code = (c: React.ReactNode) => <code>{c}</code>;
  return (
    <Main width="console">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <ButtonLink href="/staff/firmware/rollouts" variant="secondary">
            {t("rollouts")}
          </ButtonLink>
        }
      />
      <div className="space-y-8">
        {keys.length === 0 ? (
          <Notice tone="warn" title={t("noKeysTitle")} data-testid="firmware-no-keys">
            <p>{t.rich("noKeysText", { code })}</p>
          </Notice>
        ) : (
          <p className="text-sm text-muted">
            {t.rich("verifyUnder", {
              count: keys.length,
              kids: () =>
                keys.map((k, i) => (
                  <span key={k.kid}>
                    {i > 0 && ", "}
                    <code>{k.kid}</code>
                  </span>
                )),
              keys: (c) => <Link href="/staff/keys">{c}</Link>,
            })}
          </p>
        )}

        {canChange && (
          <Panel title={t("uploadTitle")}>
            {models.length === 0 ? (
              <p className="text-sm text-muted">
                {t.rich("registerModelFirst", { models: (c) => <Link href="/staff/models">{c}</Link> })}
              </p>
            ) : (
              <UploadForm models={models.map(({ model, displayName }) => ({ model, displayName }))} maxBytes={maxBytes} />
            )}
          </Panel>
        )}

        {withImages.length === 0 ? (
          <EmptyState title={t("emptyTitle")} data-testid="firmware-empty">
            {t("emptyText")}
          </EmptyState>
        ) : (
          withImages.map((m) => (
            <section key={m.model} aria-labelledby={`fw-${m.model}`} className="space-y-3" data-model={m.model}>
              <h2 id={`fw-${m.model}`} className="text-lg font-semibold">
                {m.displayName} <span className="font-mono text-sm font-normal text-muted">{m.model}</span>
              </h2>
              <DataTable
                data-testid="firmware-images"
                caption={t("caption", { model: m.displayName })}
                rows={m.images}
                rowKey={(i) => i.sha256}
                rowProps={(i) => ({ "data-version": i.version, "data-sha256": i.sha256 })}
                actionsHeader={t("columns.actions")}
                actions={
                  canChange
                    ? (i) => (i.yankedAt ? null : <YankButton sha256={i.sha256} label={`${m.model} ${i.version}`} />)
                    : undefined
                }
                columns={[
                  {
                    key: "version",
                    header: t("columns.version"),
                    primary: true,
                    cell: (i) => (
                      <div className="min-w-0">
                        <span className="block font-mono">{i.version}</span>
                        {i.notes && <Truncate value={i.notes} className="text-xs font-normal text-muted" />}
                      </div>
                    ),
                  },
                  { key: "size", header: t("columns.size"), nowrap: true, cell: (i) => size(i.size) },
                  {
                    key: "sha256",
                    header: "SHA-256",
                    nowrap: true,
                    cell: (i) => <code title={i.sha256}>{i.sha256.slice(0, 12)}…</code>,
                  },
                  { key: "kid", header: t("columns.key"), nowrap: true, cell: (i) => <code>{i.kid}</code> },
                  { key: "uploaded", header: t("columns.uploaded"), nowrap: true, cell: (i) => <Time value={i.uploadedAt} /> },
                  {
                    key: "status",
                    header: t("columns.status"),
                    nowrap: true,
                    cell: (i) =>
                      i.yankedAt ? (
                        <span className="flex flex-col items-start gap-1">
                          <Badge tone="danger">{t("yanked")}</Badge>
                          <span className="text-xs text-muted">
                            <Time value={i.yankedAt} />
                          </span>
                        </span>
                      ) : (
                        <Badge tone="ok">{t("usable")}</Badge>
                      ),
                  },
                ]}
              />
            </section>
          ))
        )}
      </div>
    </Main>
  );
}
