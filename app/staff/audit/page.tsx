import type { Metadata } from "next";
import Link from "next/link";
import { readAuditLog } from "@/lib/audit/api";
import { requireStaffPage } from "@/lib/auth/current";
import { isId } from "@/lib/ids";
import { Time } from "../../_components/time";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ account?: string }> }) {
  await requireStaffPage("/staff/audit");
  const account = (await searchParams).account;
  const valid = isId("usr", account);
  const { events } = await readAuditLog(valid ? { account } : {});
  return (
    <main>
      <h1>Audit log</h1>
      {valid ? (
        <p>
          Events by or about account <code>{account}</code>. <Link href="/staff/audit">Show all</Link>
        </p>
      ) : (
        <p className="muted">The newest 100 events. Filter by account from the accounts page.</p>
      )}
      {events.length === 0 ? (
        <p className="muted">No events yet.</p>
      ) : (
        <div className="table-wrap">
          <table data-testid="audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>On whom</th>
                <th>IP</th>
                <th>Outcome</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Time value={e.at} />
                  </td>
                  <td>
                    {e.actorId ? <Link href={`/staff/audit?account=${e.actorId}`}>{e.actorLabel}</Link> : e.actorLabel}
                  </td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>
                    {e.subjectUserId ? (
                      <Link href={`/staff/audit?account=${e.subjectUserId}`}>{e.subjectLabel ?? e.subjectUserId}</Link>
                    ) : (
                      (e.subjectLabel ?? "")
                    )}
                  </td>
                  <td>{e.ip ?? ""}</td>
                  <td>
                    {e.outcome === "success" ? (
                      <span className="badge">success</span>
                    ) : (
                      <span className="badge disabled">failure</span>
                    )}
                  </td>
                  <td className="small mono">{Object.keys(e.detail).length ? JSON.stringify(e.detail) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
