import type { Metadata } from "next";
import Link from "next/link";
import { Download } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { auditFilterLabels, readAuditLog } from "@/lib/audit/api";
import { requireStaffPage } from "@/lib/auth/current";
import { AppError } from "@/lib/errors/app-error";
import { describeAuditEventIn } from "../../_components/audit-text";
import { Time } from "../../_components/time";
import { Badge } from "../../_components/ui/badge";
import { Button, ButtonAnchor, ButtonLink } from "../../_components/ui/button";
import { DataTable } from "../../_components/ui/data-table";
import { Field, Input } from "../../_components/ui/field";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { Picker } from "./picker";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("staffAudit");
  return { title: t("title") };
}

const FILTER_KEYS = ["account", "device", "action", "from", "to"] as const;
type Params = Partial<Record<(typeof FILTER_KEYS)[number] | "before", string | string[]>>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  await requireStaffPage("/staff/audit");
  const [t, words] = await Promise.all([getTranslations("staffAudit"), getTranslations("activity")]);
  const raw = await searchParams;
  const filter = Object.fromEntries(
    FILTER_KEYS.flatMap((k) => (typeof raw[k] === "string" && raw[k] !== "" ? [[k, raw[k] as string]] : [])),
  ) as Record<string, string>;
  const before = typeof raw.before === "string" && /^\d{1,15}$/.test(raw.before) ? raw.before : undefined;
  let log: Awaited<ReturnType<typeof readAuditLog>> | null = null;
  let problem: string | null = null;
  try {
    log = await readAuditLog({ ...filter, ...(before ? { before } : {}) });
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    problem = err.extra.errors?.length ? err.extra.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : err.detail;
  }
  const qs = new URLSearchParams(filter).toString();
  const filtered = Object.keys(filter).length > 0;
  const labels = await auditFilterLabels(filter);
  const chosenAccount =
    filter.account && labels.account
      ? { id: filter.account, label: labels.account.name, detail: labels.account.email }
      : filter.account
        ? { id: filter.account, label: filter.account }
        : null;
  const chosenDevice =
    filter.device && labels.device
      ? { id: filter.device, label: labels.device.name }
      : filter.device
        ? { id: filter.device, label: filter.device }
        : null;
  return (
    <Main width="console">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          <ButtonAnchor variant="secondary" href={`/api/v1/staff/audit/export${qs ? `?${qs}` : ""}`} download>
            <Download aria-hidden="true" className="size-4" />
            {t("export")}
          </ButtonAnchor>
        }
      />
      <form
        role="search"
        action="/staff/audit"
        aria-label={t("filterLabel")}
        className="grid gap-3 rounded-lg border border-line bg-surface p-4 shadow-xs sm:grid-cols-2 lg:grid-cols-[1fr_1fr_1fr_10rem_10rem_auto] lg:items-end"
      >
        <Picker
          id="audit-account"
          name="account"
          kind="account"
          label={t("account")}
          placeholder={t("accountPlaceholder")}
          chosen={chosenAccount}
          clearLabel={t("accountClear")}
          noMatch={t("accountNoMatch")}
        />
        <Picker
          id="audit-device"
          name="device"
          kind="device"
          label={t("device")}
          placeholder={t("devicePlaceholder")}
          chosen={chosenDevice}
          clearLabel={t("deviceClear")}
          noMatch={t("deviceNoMatch")}
        />
        <Field id="audit-action" label={t("action")}>
          <Input id="audit-action" name="action" defaultValue={filter.action ?? ""} maxLength={80} />
        </Field>
        <Field id="audit-from" label={t("from")}>
          <Input id="audit-from" name="from" type="date" defaultValue={filter.from ?? ""} />
        </Field>
        <Field id="audit-to" label={t("to")}>
          <Input id="audit-to" name="to" type="date" defaultValue={filter.to ?? ""} />
        </Field>
        <div className="flex gap-2">
          <Button type="submit">{t("filter")}</Button>
          {filtered && (
            <ButtonLink variant="ghost" href="/staff/audit">
              {t("showAll")}
            </ButtonLink>
          )}
        </div>
      </form>
      {problem && (
        <Notice tone="danger" role="alert" className="mt-4" data-testid="audit-error">
          {t("invalid", { problem })}
        </Notice>
      )}
      <div className="mt-6">
        {log && log.events.length === 0 && <p className="text-sm text-muted">{filtered ? t("noMatch") : t("none")}</p>}
        {log && log.events.length > 0 && (
          <DataTable
            data-testid="audit"
            rows={log.events}
            rowKey={(e) => String(e.id)}
            rowProps={(e) => ({ "data-action": e.action })}
            columns={[
              {
                key: "what",
                header: t("columns.what"),
                primary: true,
                cell: (e) => (
                  <div className="min-w-0">
                    <span>{describeAuditEventIn(words, e.action, e.detail, e.outcome)}</span>
                    {e.outcome !== "success" && (
                      <Badge tone="warn" className="ms-2">
                        {t("refused")}
                      </Badge>
                    )}
                    <div className="mt-0.5 flex flex-wrap items-baseline gap-x-3 text-xs font-normal text-muted">
                      {/* The name to filter by ("Action" above takes it, or its family). */}
                      <code>{e.action}</code>
                      {Object.keys(e.detail).length > 0 && (
                        <details>
                          <summary className="cursor-pointer">{t("details")}</summary>
                          <pre className="mt-1 max-w-md overflow-x-auto rounded bg-sunken p-2 font-mono text-xs whitespace-pre">
                            {JSON.stringify(e.detail, null, 2)}
                          </pre>
                        </details>
                      )}
                    </div>
                  </div>
                ),
              },
              {
                key: "who",
                header: t("columns.who"),
                cell: (e) =>
                  e.actorId ? (
                    <Link
                      href={`/staff/audit?account=${e.actorId}`}
                      className="block max-w-56 truncate"
                      title={e.actorLabel}
                    >
                      {e.actorLabel}
                    </Link>
                  ) : (
                    <span className="text-muted">{e.actorLabel}</span>
                  ),
              },
              {
                key: "subject",
                header: t("columns.subject"),
                cell: (e) =>
                  e.subjectUserId ? (
                    <Link
                      href={`/staff/audit?account=${e.subjectUserId}`}
                      className="block max-w-56 truncate"
                      title={e.subjectLabel ?? e.subjectUserId}
                    >
                      {e.subjectLabel ?? e.subjectUserId}
                    </Link>
                  ) : e.subjectLabel ? (
                    <Truncate value={e.subjectLabel} className="max-w-56" />
                  ) : null,
              },
              {
                key: "device",
                header: t("columns.device"),
                cell: (e) =>
                  e.subjectDeviceId ? (
                    <Link
                      href={`/staff/devices/${e.subjectDeviceId}`}
                      className="block max-w-40 truncate font-mono text-xs"
                      title={e.subjectDeviceId}
                    >
                      {e.subjectDeviceId}
                    </Link>
                  ) : null,
              },
              { key: "ip", header: t("columns.address"), nowrap: true, cell: (e) => e.ip ?? null },
              { key: "when", header: t("columns.when"), nowrap: true, cell: (e) => <Time value={e.at} /> },
            ]}
          />
        )}
      </div>
      {log?.nextBefore && (
        <nav className="mt-4" aria-label={t("pages")}>
          <ButtonLink
            variant="secondary"
            rel="next"
            href={`/staff/audit?${new URLSearchParams({ ...filter, before: String(log.nextBefore) })}`}
          >
            {t("older")}
          </ButtonLink>
        </nav>
      )}
    </Main>
  );
}
