"use client";

import { useState } from "react";
import { api } from "../../../_components/api";
import { InviteLink } from "../invite-link";

type Result = {
  invited: {
    line: number;
    invitation: { email: string; role: string };
    link?: string;
    mailed: boolean;
    mailError?: string;
  }[];
  rejected: { line: number; email: string | null; reason: string }[];
};

/** Paste or choose a CSV; the answer reports each line. Links (without mail) are shown once. */
export function BulkInviteForm() {
  const [csv, setCsv] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [result, setResult] = useState<Result | null>(null);
  return (
    <>
      <form
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          try {
            setResult(await api<Result>("/api/v1/staff/invitations/bulk", { method: "POST", body: { csv } }));
            setCsv("");
          } catch (err) {
            setError(err instanceof Error ? err.message : "Something went wrong.");
          } finally {
            setBusy(false);
          }
        }}
      >
        <label htmlFor="bulk-file">CSV file</label>
        <input
          id="bulk-file"
          type="file"
          accept=".csv,text/csv,text/plain"
          onChange={async (e) => {
            const f = e.target.files?.[0];
            if (f) setCsv(await f.text());
          }}
        />
        <label htmlFor="bulk-csv">Or paste the lines</label>
        <textarea
          id="bulk-csv"
          rows={8}
          style={{ width: "100%" }}
          value={csv}
          onChange={(e) => setCsv(e.target.value)}
          placeholder={"email,name,role\nann@example.org,Ann Example,participant"}
        />
        <div className="actions">
          <button type="submit" disabled={busy || csv.trim() === ""}>
            {busy ? "Inviting…" : "Create invitations"}
          </button>
        </div>
      </form>
      {error && (
        <p className="notice error" data-testid="form-error">
          {error}
        </p>
      )}
      {result && (
        <section aria-labelledby="report-title" data-testid="bulk-report">
          <h2 id="report-title">
            {result.invited.length} invited, {result.rejected.length} rejected
          </h2>
          {result.rejected.length > 0 && (
            <div className="table-wrap">
              <table data-testid="rejected">
                <caption className="small muted">Rejected lines</caption>
                <thead>
                  <tr>
                    <th>Line</th>
                    <th>Email</th>
                    <th>Why</th>
                  </tr>
                </thead>
                <tbody>
                  {result.rejected.map((r) => (
                    <tr key={r.line}>
                      <td>{r.line}</td>
                      <td>{r.email ?? ""}</td>
                      <td>{r.reason}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          {result.invited.some((i) => i.link) && (
            <p className="notice info">These links are shown only once: copy each to its person now.</p>
          )}
          <ul className="list" data-testid="invited">
            {result.invited.map((i) => (
              <li key={i.line}>
                Line {i.line}: {i.invitation.email} ({i.invitation.role}){" "}
                {i.mailed ? <span className="badge">mailed</span> : null}
                {i.mailError ? <span className="small"> {i.mailError}</span> : null}
                {i.link ? <InviteLink email={i.invitation.email} link={i.link} kind="invitation" /> : null}
              </li>
            ))}
          </ul>
        </section>
      )}
    </>
  );
}
