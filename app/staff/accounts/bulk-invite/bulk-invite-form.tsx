"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import type { Locale } from "@/lib/i18n/locales";
import { api } from "../../../_components/api";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { DataTable } from "../../../_components/ui/data-table";
import { Field, Input, Select, Textarea } from "../../../_components/ui/field";
import { Notice } from "../../../_components/ui/notice";
import { useRefusalText } from "../../../_components/staff-refusal";
import { InviteLink } from "../invite-link";
import { MailLanguageSelect } from "../mail-language";
import { StudyOptions } from "../../../_components/study-options";

type Result = {
  invited: {
    line: number;
    invitation: { email: string; role: string };
    link?: string;
    mailed: boolean;
    mailError?: string;
  }[];
  enrolled?: { line: number; email: string }[];
  rejected: { line: number; email: string | null; reason: string }[];
};

// The file's format by example: its column names are the same in every language.
const CSV_SAMPLE = ["email,name,role", "ann@example.org,Ann Example,participant"].join("\n");

/**
 * Paste or choose a CSV; the answer reports each line. Links (without mail) are shown once; mail
 * goes out in the language chosen, for every line.
 */
export function BulkInviteForm({
  studies = [],
  defaultLocale,
}: {
  studies?: { id: string; name: string }[];
  defaultLocale: Locale;
}) {
  const t = useTranslations("staffAccounts.bulk");
  const [csv, setCsv] = useState("");
  const [studyId, setStudyId] = useState("");
  const [locale, setLocale] = useState("");
  const roles = useTranslations("account.roles");
  const refusal = useRefusalText();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  return (
    <>
      <form
        className="space-y-4 rounded-lg border border-line bg-surface p-4 shadow-xs sm:p-5"
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            setResult(
              await api<Result>("/api/v1/staff/invitations/bulk", {
                method: "POST",
                body: { csv, ...(studyId ? { studyId } : {}), ...(locale ? { locale } : {}) },
              }),
            );
            setCsv("");
          } catch (err) {
            setError(refusal(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {studies.length > 0 && (
          <Field id="bulk-study" label={t("study")} hint={t("studyHint")}>
            <Select id="bulk-study" value={studyId} onChange={(e) => setStudyId(e.target.value)}>
              <StudyOptions studies={studies} none={t("noStudy")} />
            </Select>
          </Field>
        )}
        <MailLanguageSelect id="bulk-locale" defaultLocale={defaultLocale} value={locale} onChange={setLocale} />
        <Field id="bulk-file" label={t("file")}>
          <Input
            id="bulk-file"
            type="file"
            accept=".csv,text/csv,text/plain"
            onChange={async (e) => {
              const f = e.target.files?.[0];
              if (f) setCsv(await f.text());
            }}
          />
        </Field>
        <Field id="bulk-csv" label={t("paste")}>
          <Textarea
            id="bulk-csv"
            rows={8}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            placeholder={CSV_SAMPLE}
            className="font-mono"
          />
        </Field>
        <Button type="submit" disabled={busy || csv.trim() === ""}>
          {busy ? t("inviting") : t("create")}
        </Button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-danger-text" data-testid="form-error">
          {error}
        </p>
      )}
      {result && (
        <section aria-labelledby="report-title" data-testid="bulk-report" className="space-y-4">
          <h2 id="report-title" className="text-lg font-semibold">
            {t("report", {
              invited: result.invited.length,
              enrolled: result.enrolled?.length ?? 0,
              rejected: result.rejected.length,
            })}
          </h2>
          {result.rejected.length > 0 && (
            <DataTable
              data-testid="rejected"
              caption={t("rejectedCaption")}
              rows={result.rejected}
              rowKey={(r) => String(r.line)}
              columns={[
                { key: "line", header: t("columns.line"), nowrap: true, cell: (r) => r.line },
                { key: "email", header: t("columns.email"), primary: true, cell: (r) => r.email ?? "" },
                { key: "why", header: t("columns.why"), cell: (r) => r.reason },
              ]}
            />
          )}
          {result.invited.some((i) => i.link) && <Notice>{t("linksOnce")}</Notice>}
          <ul className="space-y-3" data-testid="invited">
            {result.invited.map((i) => (
              <li key={i.line} className="space-y-2 text-sm">
                <p>
                  {t("line", { line: i.line, email: i.invitation.email, role: roles(i.invitation.role) })}{" "}
                  {i.mailed ? <Badge tone="ok">{t("mailed")}</Badge> : null}
                  {i.mailError ? <span className="text-danger-text"> {i.mailError}</span> : null}
                </p>
                {i.link ? <InviteLink email={i.invitation.email} link={i.link} kind="invitation" /> : null}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
