import type { Metadata } from "next";
import Link from "next/link";
import { readAuditLog } from "@/lib/audit/api";
import { requireStaffPage } from "@/lib/auth/current";
import { AppError } from "@/lib/errors/app-error";
import { Time } from "../../_components/time";

export const metadata: Metadata = { title: "Audit log" };

const FILTER_KEYS = ["account", "device", "action", "from", "to"] as const;
type Params = Partial<Record<(typeof FILTER_KEYS)[number] | "before", string | string[]>>;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Params> }) {
  await requireStaffPage("/staff/audit");
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
  return (
    <main>
      <h1>Audit log</h1>
      <form role="search" action="/staff/audit" aria-label="Filter the audit log">
        <div className="filters">
          <div>
            <label htmlFor="audit-action">Action (exact, or a family like device.)</label>
            <input id="audit-action" name="action" defaultValue={filter.action ?? ""} maxLength={80} />
          </div>
          <div>
            <label htmlFor="audit-account">Account id</label>
            <input id="audit-account" name="account" defaultValue={filter.account ?? ""} maxLength={40} />
          </div>
          <div>
            <label htmlFor="audit-device">Device id</label>
            <input id="audit-device" name="device" defaultValue={filter.device ?? ""} maxLength={40} />
          </div>
          <div>
            <label htmlFor="audit-from">From (UTC day)</label>
            <input id="audit-from" name="from" type="date" defaultValue={filter.from ?? ""} />
          </div>
          <div>
            <label htmlFor="audit-to">Before (UTC day)</label>
            <input id="audit-to" name="to" type="date" defaultValue={filter.to ?? ""} />
          </div>
          <button type="submit">Filter</button>
        </div>
      </form>
      <div className="actions">
        {filtered && (
          <Link className="button secondary" href="/staff/audit">
            Show all
          </Link>
        )}
        <a className="button secondary" href={`/api/v1/staff/audit/export${qs ? `?${qs}` : ""}`} download>
          Export CSV
        </a>
      </div>
      {filter.account && (
        <p>
          Events by or about account <code>{filter.account}</code>.
        </p>
      )}
      {problem && (
        <p className="notice error" data-testid="audit-error">
          These filters are not valid: {problem}
        </p>
      )}
      {log && log.events.length === 0 && <p className="muted">{filtered ? "No event matches." : "No events yet."}</p>}
      {log && log.events.length > 0 && (
        <div className="table-wrap">
          <table data-testid="audit">
            <thead>
              <tr>
                <th>When</th>
                <th>Who</th>
                <th>What</th>
                <th>On whom</th>
                <th>Device</th>
                <th>IP</th>
                <th>Outcome</th>
                <th>Detail</th>
              </tr>
            </thead>
            <tbody>
              {log.events.map((e) => (
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
                  <td className="small mono">
                    {e.subjectDeviceId ? (
                      <Link href={`/staff/devices/${e.subjectDeviceId}`}>{e.subjectDeviceId}</Link>
                    ) : (
                      ""
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
      {log?.nextBefore && (
        <nav className="actions" aria-label="Pages">
          <Link
            className="button secondary"
            rel="next"
            href={`/staff/audit?${new URLSearchParams({ ...filter, before: String(log.nextBefore) })}`}
          >
            Older events
          </Link>
        </nav>
      )}
    </main>
  );
}
