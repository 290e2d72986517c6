import type { Metadata } from "next";
import Link from "next/link";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { fleet, fleetSummaryRequest } from "@/lib/devices/api";
import { FLEET_SORTS, FLEET_STATUSES } from "@/lib/devices/fleet-query";
import { AppError } from "@/lib/errors/app-error";
import { ago } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { BulkActions } from "./bulk-actions";
import { FleetActions } from "./fleet-actions";
import { StatusChart } from "./status-chart";

export const metadata: Metadata = { title: "Fleet" };

const FILTER_KEYS = ["q", "status", "model", "firmware", "owner", "seenBefore", "seenAfter"] as const;
const PAGE_KEYS = [...FILTER_KEYS, "sort", "dir", "cursor", "limit"] as const;
const SORT_LABELS: Record<(typeof FLEET_SORTS)[number], string> = {
  lastSeen: "Last seen",
  created: "Claimed",
  name: "Name",
  model: "Model",
  firmware: "Firmware",
  owner: "Owner",
};

type Params = Partial<Record<(typeof PAGE_KEYS)[number] | "silentHours", string | string[]>>;

export default async function FleetPage({ searchParams }: { searchParams: Promise<Params> }) {
  const me = await requireStaffPage("/staff/devices");
  const raw = await searchParams;
  const pick = (keys: readonly string[]) =>
    Object.fromEntries(
      keys.flatMap((k) => {
        const v = raw[k as keyof Params];
        return typeof v === "string" && v !== "" ? [[k, v]] : [];
      }),
    ) as Record<string, string>;
  const filter = pick(FILTER_KEYS);
  const query = pick(PAGE_KEYS);
  const silentHours = typeof raw.silentHours === "string" && raw.silentHours ? raw.silentHours : "24";
  const filterQs = new URLSearchParams(filter).toString();
  const { cursor: _cursor, ...firstPage } = query;

  let result: Awaited<ReturnType<typeof fleet>> | null = null;
  let summary: Awaited<ReturnType<typeof fleetSummaryRequest>> | null = null;
  let problem: string | null = null;
  try {
    [result, summary] = await Promise.all([fleet(query), fleetSummaryRequest({ ...filter, silentHours })]);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    problem = err.extra.errors?.length ? err.extra.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : err.detail;
  }
  const filtered = Object.keys(filter).length > 0;
  const canChange = canChangeStaffData(me.role);

  return (
    <main>
      <h1>Fleet</h1>
      <form role="search" action="/staff/devices" aria-label="Filter the fleet">
        <div className="row">
          <div>
            <label htmlFor="fleet-q">Search by name, id, model or owner</label>
            <input id="fleet-q" name="q" type="search" defaultValue={filter.q ?? ""} maxLength={100} />
          </div>
          <button type="submit" className="secondary">
            Search
          </button>
        </div>
        <details open={filtered && Object.keys(filter).some((k) => k !== "q")}>
          <summary>Filters and sort</summary>
          <div className="filters">
            <div>
              <label htmlFor="fleet-status">Status</label>
              <select id="fleet-status" name="status" defaultValue={filter.status ?? ""}>
                <option value="">Any</option>
                {FLEET_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {s}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="fleet-model">Model (exact)</label>
              <input id="fleet-model" name="model" defaultValue={filter.model ?? ""} maxLength={100} />
            </div>
            <div>
              <label htmlFor="fleet-firmware">Firmware (exact)</label>
              <input id="fleet-firmware" name="firmware" defaultValue={filter.firmware ?? ""} maxLength={100} />
            </div>
            <div>
              <label htmlFor="fleet-owner">Owner email contains</label>
              <input id="fleet-owner" name="owner" defaultValue={filter.owner ?? ""} maxLength={254} />
            </div>
            <div>
              <label htmlFor="fleet-seen-after">Last seen on or after</label>
              <input id="fleet-seen-after" name="seenAfter" type="date" defaultValue={filter.seenAfter ?? ""} />
            </div>
            <div>
              <label htmlFor="fleet-seen-before">Last seen before (or never)</label>
              <input id="fleet-seen-before" name="seenBefore" type="date" defaultValue={filter.seenBefore ?? ""} />
            </div>
            <div>
              <label htmlFor="fleet-sort">Sort by</label>
              <select id="fleet-sort" name="sort" defaultValue={query.sort ?? "lastSeen"}>
                {FLEET_SORTS.map((s) => (
                  <option key={s} value={s}>
                    {SORT_LABELS[s]}
                  </option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="fleet-dir">Order</label>
              <select id="fleet-dir" name="dir" defaultValue={query.dir ?? ""}>
                <option value="">Default</option>
                <option value="asc">Ascending</option>
                <option value="desc">Descending</option>
              </select>
            </div>
            <div>
              <label htmlFor="fleet-silent">Silent for more than (hours)</label>
              <input id="fleet-silent" name="silentHours" type="number" min={1} max={8760} defaultValue={silentHours} />
            </div>
            <button type="submit">Apply</button>
          </div>
        </details>
      </form>
      {filtered && (
        <p className="small">
          <Link href="/staff/devices">Clear filters</Link>
        </p>
      )}

      {problem && (
        <p className="notice error" data-testid="fleet-error">
          These filters are not valid: {problem}
        </p>
      )}

      {summary && (
        <section aria-labelledby="summary-title" data-testid="fleet-summary">
          <h2 id="summary-title">Summary{filtered ? " of this selection" : ""}</h2>
          <div className="summary-grid">
            <div>
              <p className="muted" data-testid="fleet-count">
                {summary.total} device{summary.total === 1 ? "" : "s"}: {summary.byStatus.online} online,{" "}
                {summary.byStatus.offline} offline, {summary.byStatus.revoked} revoked, {summary.byStatus.lost} lost or
                stolen, {summary.byStatus.released} released
                {summary.byStatus.legacy ? `, ${summary.byStatus.legacy} legacy nodes` : ""}.
              </p>
              <StatusChart byStatus={summary.byStatus} />
              <p className="small">
                <span data-testid="never-reported">{summary.neverReported}</span> never sent a measurement since their
                claim; <span data-testid="silent">{summary.silent}</span> silent for more than {summary.silentHours} h.
              </p>
            </div>
            {summary.byModel.length > 0 && (
              <div className="table-wrap">
                <table data-testid="by-model">
                  <caption className="small muted">By model and firmware</caption>
                  <thead>
                    <tr>
                      <th>Model</th>
                      <th>Firmware</th>
                      <th>Devices</th>
                    </tr>
                  </thead>
                  <tbody>
                    {summary.byModel.map((m) => (
                      <tr key={`${m.model} ${m.firmware}`}>
                        <td>
                          <Link href={`/staff/devices?${new URLSearchParams({ model: m.model })}`}>{m.model}</Link>
                        </td>
                        <td>
                          <Link
                            href={`/staff/devices?${new URLSearchParams({ model: m.model, firmware: m.firmware })}`}
                          >
                            {m.firmware}
                          </Link>
                        </td>
                        <td>{m.count}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </div>
        </section>
      )}

      {result && (
        <>
          <div className="actions">
            <a
              className="button secondary"
              href={`/api/v1/staff/devices/export${filterQs ? `?${filterQs}` : ""}`}
              download
            >
              Export CSV
            </a>
          </div>
          {canChange && summary && summary.total > 0 && <BulkActions filter={filter} />}
          {result.devices.length === 0 ? (
            <p className="muted">
              {filtered ? "No device matches." : "No devices yet. They appear here once participants claim them."}
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
                    {canChange && <th>Actions</th>}
                  </tr>
                </thead>
                <tbody>
                  {result.devices.map((d) => (
                    <tr key={d.id} data-device-id={d.id}>
                      <td>
                        <Link href={`/staff/devices/${d.id}`}>
                          <strong>{d.name}</strong>
                        </Link>
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
                      {canChange && (
                        <td>
                          {d.status === "released" ? null : (
                            <FleetActions
                              id={d.id}
                              name={d.name}
                              revoked={d.status === "revoked" || d.status === "legacy"}
                            />
                          )}
                        </td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <nav className="actions" aria-label="Pages">
            {query.cursor && (
              <Link className="button secondary" href={`/staff/devices?${new URLSearchParams(firstPage)}`}>
                First page
              </Link>
            )}
            {result.nextCursor && (
              <Link
                className="button secondary"
                rel="next"
                href={`/staff/devices?${new URLSearchParams({ ...query, cursor: result.nextCursor })}`}
              >
                Next page
              </Link>
            )}
          </nav>
        </>
      )}
    </main>
  );
}
