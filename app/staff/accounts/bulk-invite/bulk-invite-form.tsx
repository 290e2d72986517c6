"use client";

import { useState } from "react";
import { api } from "../../../_components/api";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { DataTable } from "../../../_components/ui/data-table";
import { Field, Input, Select, Textarea } from "../../../_components/ui/field";
import { Notice } from "../../../_components/ui/notice";
import { InviteLink } from "../invite-link";
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

/** Paste or choose a CSV; the answer reports each line. Links (without mail) are shown once. */
export function BulkInviteForm({ studies = [] }: { studies?: { id: string; name: string }[] }) {
  const [csv, setCsv] = useState("");
  const [studyId, setStudyId] = useState("");
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
                body: { csv, ...(studyId ? { studyId } : {}) },
              }),
            );
            setCsv("");
          } catch (err) {
            setError(err instanceof Error ? err.message : "Something went wrong.");
          } finally {
            setBusy(false);
          }
        }}
      >
        {studies.length > 0 && (
          <Field
            id="bulk-study"
            label="Study"
            hint="With a study, every line is a participant invited into it; one who already has an account is enrolled at once."
          >
            <Select id="bulk-study" value={studyId} onChange={(e) => setStudyId(e.target.value)}>
              <StudyOptions studies={studies} none="No study" />
            </Select>
          </Field>
        )}
        <Field id="bulk-file" label="CSV file">
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
        <Field id="bulk-csv" label="Or paste the lines">
          <Textarea
            id="bulk-csv"
            rows={8}
            value={csv}
            onChange={(e) => setCsv(e.target.value)}
            placeholder={"email,name,role\nann@example.org,Ann Example,participant"}
            className="font-mono"
          />
        </Field>
        <Button type="submit" disabled={busy || csv.trim() === ""}>
          {busy ? "Inviting…" : "Create invitations"}
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
            {result.invited.length} invited, {result.enrolled?.length ? `${result.enrolled.length} enrolled, ` : ""}
            {result.rejected.length} rejected
          </h2>
          {result.rejected.length > 0 && (
            <DataTable
              data-testid="rejected"
              caption="Rejected lines"
              rows={result.rejected}
              rowKey={(r) => String(r.line)}
              columns={[
                { key: "line", header: "Line", nowrap: true, cell: (r) => r.line },
                { key: "email", header: "Email", primary: true, cell: (r) => r.email ?? "" },
                { key: "why", header: "Why", cell: (r) => r.reason },
              ]}
            />
          )}
          {result.invited.some((i) => i.link) && (
            <Notice>These links are shown only once: copy each to its person now.</Notice>
          )}
          <ul className="space-y-3" data-testid="invited">
            {result.invited.map((i) => (
              <li key={i.line} className="space-y-2 text-sm">
                <p>
                  Line {i.line}: {i.invitation.email} ({i.invitation.role}){" "}
                  {i.mailed ? <Badge tone="ok">mailed</Badge> : null}
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
