import type { Metadata } from "next";
import Link from "next/link";
import { requireStaffPage } from "@/lib/auth/current";
import { listStudiesRequest } from "@/lib/studies/api";
import { canChangeStaffData } from "@/lib/auth/roles";
import { fleet, fleetSummaryRequest } from "@/lib/devices/staff-api";
import { FLEET_SORTS, FLEET_STATUSES } from "@/lib/devices/schemas";
import { AppError } from "@/lib/errors/app-error";
import { Download } from "lucide-react";
import { ago } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { Badge } from "../../_components/ui/badge";
import { Button, ButtonAnchor, ButtonLink } from "../../_components/ui/button";
import { DataTable } from "../../_components/ui/data-table";
import { Field, Input, Select } from "../../_components/ui/field";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { BulkActions } from "./bulk-actions";
import { FleetActions } from "./fleet-actions";
import { StatusChart } from "./status-chart";

export const metadata: Metadata = { title: "Fleet" };

const FILTER_KEYS = ["q", "status", "model", "firmware", "owner", "study", "seenBefore", "seenAfter"] as const;
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
  const { studies } = await listStudiesRequest();
  const studyName = new Map(studies.map((s) => [s.id, s.name.en ?? s.name.nl ?? s.id]));
  try {
    [result, summary] = await Promise.all([fleet(query), fleetSummaryRequest({ ...filter, silentHours })]);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    problem = err.extra.errors?.length ? err.extra.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : err.detail;
  }
  const filtered = Object.keys(filter).length > 0;
  const canChange = canChangeStaffData(me.role);

  return (
    <Main width="console">
      <PageHeader
        title="Fleet"
        description="Every claimed device: filter, act on a selection, open one."
        actions={
          result && (
            <ButtonAnchor
              variant="secondary"
              href={`/api/v1/staff/devices/export${filterQs ? `?${filterQs}` : ""}`}
              download
            >
              <Download aria-hidden="true" className="size-4" />
              Export CSV
            </ButtonAnchor>
          )
        }
      />
      <form role="search" action="/staff/devices" aria-label="Filter the fleet" className="space-y-3">
        <div className="flex flex-wrap items-end gap-2">
          <Field id="fleet-q" label="Search by name, id, model or owner" className="min-w-[min(100%,16rem)] flex-1">
            <Input id="fleet-q" name="q" type="search" defaultValue={filter.q ?? ""} maxLength={100} />
          </Field>
          <Button type="submit" variant="secondary">
            Search
          </Button>
          {filtered && (
            <ButtonLink href="/staff/devices" variant="ghost">
              Clear filters
            </ButtonLink>
          )}
        </div>
        <details
          className="rounded-lg border border-line bg-surface"
          open={filtered && Object.keys(filter).some((k) => k !== "q")}
        >
          <summary className="flex min-h-10 cursor-pointer items-center px-4 text-sm font-medium">
            Filters and sort
          </summary>
          <div className="grid gap-3 border-t border-line p-4 sm:grid-cols-2 lg:grid-cols-4">
            <Field id="fleet-status" label="Status">
              <Select id="fleet-status" name="status" defaultValue={filter.status ?? ""}>
                <option value="">Any</option>
                {FLEET_STATUSES.map((st) => (
                  <option key={st} value={st}>
                    {st}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="fleet-model" label="Model (exact)">
              <Input id="fleet-model" name="model" defaultValue={filter.model ?? ""} maxLength={100} />
            </Field>
            <Field id="fleet-firmware" label="Firmware (exact)">
              <Input id="fleet-firmware" name="firmware" defaultValue={filter.firmware ?? ""} maxLength={100} />
            </Field>
            <Field id="fleet-owner" label="Owner email contains">
              <Input id="fleet-owner" name="owner" defaultValue={filter.owner ?? ""} maxLength={254} />
            </Field>
            <Field id="fleet-study" label="Study">
              <Select id="fleet-study" name="study" defaultValue={filter.study ?? ""}>
                <option value="">Any</option>
                {studies.map((st) => (
                  <option key={st.id} value={st.id}>
                    {studyName.get(st.id)}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="fleet-seen-after" label="Last seen on or after">
              <Input id="fleet-seen-after" name="seenAfter" type="date" defaultValue={filter.seenAfter ?? ""} />
            </Field>
            <Field id="fleet-seen-before" label="Last seen before (or never)">
              <Input id="fleet-seen-before" name="seenBefore" type="date" defaultValue={filter.seenBefore ?? ""} />
            </Field>
            <Field id="fleet-sort" label="Sort by">
              <Select id="fleet-sort" name="sort" defaultValue={query.sort ?? "lastSeen"}>
                {FLEET_SORTS.map((st) => (
                  <option key={st} value={st}>
                    {SORT_LABELS[st]}
                  </option>
                ))}
              </Select>
            </Field>
            <Field id="fleet-dir" label="Order">
              <Select id="fleet-dir" name="dir" defaultValue={query.dir ?? ""}>
                <option value="">Default</option>
                <option value="asc">Ascending</option>
                <option value="desc">Descending</option>
              </Select>
            </Field>
            <Field id="fleet-silent" label="Silent for more than (hours)">
              <Input id="fleet-silent" name="silentHours" type="number" min={1} max={8760} defaultValue={silentHours} />
            </Field>
            <div className="flex items-end">
              <Button type="submit">Apply</Button>
            </div>
          </div>
        </details>
      </form>

      {problem && (
        <Notice tone="danger" role="alert" className="mt-4" data-testid="fleet-error">
          These filters are not valid: {problem}
        </Notice>
      )}

      {summary && (
        <section aria-labelledby="summary-title" data-testid="fleet-summary" className="mt-6">
          <h2 id="summary-title" className="text-lg font-semibold">
            Summary{filtered ? " of this selection" : ""}
          </h2>
          <div className="mt-3 grid gap-4 lg:grid-cols-2">
            <div className="rounded-lg border border-line bg-surface p-4 shadow-xs">
              <p className="text-sm text-muted" data-testid="fleet-count">
                {summary.total} device{summary.total === 1 ? "" : "s"}: {summary.byStatus.online} online,{" "}
                {summary.byStatus.offline} offline, {summary.byStatus.revoked} revoked, {summary.byStatus.lost} lost or
                stolen, {summary.byStatus.released} released
                {summary.byStatus.legacy ? `, ${summary.byStatus.legacy} legacy nodes` : ""}.
              </p>
              <div className="mt-3">
                <StatusChart byStatus={summary.byStatus} />
              </div>
              <p className="mt-3 text-sm">
                <span data-testid="never-reported">{summary.neverReported}</span> never sent a measurement since their
                claim; <span data-testid="silent">{summary.silent}</span> silent for more than {summary.silentHours} h.
              </p>
            </div>
            {summary.byModel.length > 0 && (
              <DataTable
                data-testid="by-model"
                caption="By model and firmware"
                rows={summary.byModel}
                rowKey={(m) => `${m.model} ${m.firmware}`}
                columns={[
                  {
                    key: "model",
                    header: "Model",
                    primary: true,
                    cell: (m) => (
                      <Link href={`/staff/devices?${new URLSearchParams({ model: m.model })}`}>{m.model}</Link>
                    ),
                  },
                  {
                    key: "firmware",
                    header: "Firmware",
                    nowrap: true,
                    cell: (m) => (
                      <Link href={`/staff/devices?${new URLSearchParams({ model: m.model, firmware: m.firmware })}`}>
                        {m.firmware}
                      </Link>
                    ),
                  },
                  { key: "count", header: "Devices", align: "end", nowrap: true, cell: (m) => m.count },
                ]}
              />
            )}
          </div>
        </section>
      )}

      {result && (
        <section aria-labelledby="devices-title" className="mt-8 space-y-4">
          <h2 id="devices-title" className="text-lg font-semibold">
            Devices
          </h2>
          {canChange && summary && summary.total > 0 && <BulkActions filter={filter} />}
          {canChange && summary && summary.total > 0 && (
            <p className="text-sm">
              <Link href={`/staff/firmware/rollouts?${new URLSearchParams({ from: "fleet", ...filter })}#new-rollout`}>
                Roll out firmware to this selection
              </Link>
            </p>
          )}
          {result.devices.length === 0 ? (
            <p className="text-sm text-muted">
              {filtered ? "No device matches." : "No devices yet. They appear here once participants claim them."}
            </p>
          ) : (
            <DataTable
              data-testid="fleet"
              rows={result.devices}
              rowKey={(d) => d.id}
              rowProps={(d) => ({ "data-device-id": d.id })}
              actionsHeader="Actions"
              actions={
                canChange
                  ? (d) =>
                      d.status === "online" || d.status === "offline" ? <FleetActions id={d.id} name={d.name} /> : null
                  : undefined
              }
              columns={[
                {
                  key: "device",
                  header: "Device",
                  primary: true,
                  cell: (d) => (
                    <div className="max-w-72 min-w-0">
                      <Link href={`/staff/devices/${d.id}`} className="block truncate font-medium" title={d.name}>
                        {d.name}
                      </Link>
                      <span className="block truncate text-xs font-normal text-muted">
                        {d.model} · {d.firmware}
                        {d.studyId ? ` · ${studyName.get(d.studyId) ?? d.studyId}` : ""}
                      </span>
                      <Truncate value={d.id} mono className="max-w-48 text-xs font-normal text-muted" />
                    </div>
                  ),
                },
                {
                  key: "owner",
                  header: "Owner",
                  cell: (d) => (
                    <Link
                      href={`/staff/audit?account=${d.ownerId}`}
                      className="block max-w-44 truncate"
                      title={d.ownerEmail}
                    >
                      {d.ownerEmail}
                    </Link>
                  ),
                },
                { key: "status", header: "Status", nowrap: true, cell: (d) => <StatusBadge status={d.status} /> },
                { key: "seen", header: "Last seen", nowrap: true, cell: (d) => ago(d.lastSeenAt) },
                {
                  key: "command",
                  header: "Last command",
                  nowrap: true,
                  cell: (d) =>
                    d.lastCommand ? (
                      <span data-testid="last-command">
                        {d.lastCommand.type}{" "}
                        <Badge
                          tone={
                            d.lastCommand.status === "done"
                              ? "ok"
                              : d.lastCommand.status === "queued"
                                ? "accent"
                                : "neutral"
                          }
                        >
                          {d.lastCommand.status}
                        </Badge>
                      </span>
                    ) : (
                      <span className="text-muted" data-testid="last-command">
                        none
                      </span>
                    ),
                },
              ]}
            />
          )}
          <nav className="flex flex-wrap gap-2" aria-label="Pages">
            {query.cursor && (
              <ButtonLink variant="secondary" href={`/staff/devices?${new URLSearchParams(firstPage)}`}>
                First page
              </ButtonLink>
            )}
            {result.nextCursor && (
              <ButtonLink
                variant="secondary"
                rel="next"
                href={`/staff/devices?${new URLSearchParams({ ...query, cursor: result.nextCursor })}`}
              >
                Next page
              </ButtonLink>
            )}
          </nav>
        </section>
      )}
    </Main>
  );
}
