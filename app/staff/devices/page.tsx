import type { Metadata } from "next";
import Link from "next/link";
import { requireStaffPage } from "@/lib/auth/current";
import { fleet } from "@/lib/devices/api";
import { ago } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { FleetActions } from "./fleet-actions";

export const metadata: Metadata = { title: "Fleet" };

export default async function FleetPage({ searchParams }: { searchParams: Promise<{ q?: string }> }) {
  await requireStaffPage("/staff/devices");
  const raw = (await searchParams).q;
  const q = typeof raw === "string" ? raw.slice(0, 100) : "";
  const devices = await fleet({ q });
  const counts = { online: 0, offline: 0, revoked: 0, released: 0, legacy: 0 };
  for (const d of devices) counts[d.status]++;
  return (
    <main>
      <h1>Fleet</h1>
      <p className="muted">
        {devices.length} device{devices.length === 1 ? "" : "s"}
        {q ? ` matching “${q}”` : ""}: {counts.online} online, {counts.offline} offline, {counts.revoked} revoked,{" "}
        {counts.released} released
        {counts.legacy ? `, ${counts.legacy} legacy nodes` : ""}.
      </p>
      <form className="row" role="search" action="/staff/devices">
        <div>
          <label htmlFor="fleet-q">Search by name, id, model or owner</label>
          <input id="fleet-q" name="q" type="search" defaultValue={q} maxLength={100} />
        </div>
        <button type="submit" className="secondary">
          Search
        </button>
      </form>
      {devices.length === 0 ? (
        <p className="muted">
          {q ? "No device matches." : "No devices yet. They appear here once participants claim them."}
        </p>
      ) : (
        <div className="table-wrap">
          <table data-testid="fleet">
            <thead>
              <tr>
                <th>Device</th>
                <th>Owner</th>
                <th>Status</th>
                <th>Last seen</th>
                <th>Last command</th>
                <th>Actions</th>
              </tr>
            </thead>
            <tbody>
              {devices.map((d) => (
                <tr key={d.id} data-device-id={d.id}>
                  <td>
                    <strong>{d.name}</strong>
                    <div className="small muted">
                      {d.model} · {d.firmware}
                    </div>
                    <div className="small mono">{d.id}</div>
                  </td>
                  <td>
                    <Link href={`/staff/audit?account=${d.ownerId}`}>{d.ownerEmail}</Link>
                  </td>
                  <td>
                    {d.status === "released" ? (
                      <span className="badge">Released</span>
                    ) : (
                      <StatusBadge status={d.status} />
                    )}
                  </td>
                  <td>{ago(d.lastSeenAt)}</td>
                  <td data-testid="last-command">
                    {d.lastCommand ? (
                      <>
                        {d.lastCommand.type}:{" "}
                        <span className={`badge command-${d.lastCommand.status}`}>{d.lastCommand.status}</span>
                      </>
                    ) : (
                      <span className="muted">none</span>
                    )}
                  </td>
                  <td>
                    {d.status === "released" ? null : (
                      <FleetActions id={d.id} name={d.name} revoked={d.status === "revoked" || d.status === "legacy"} />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
