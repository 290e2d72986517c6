import type { Metadata } from "next";
import Link from "next/link";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { listStudiesRequest } from "@/lib/studies/api";
import { canChangeStaffData } from "@/lib/auth/roles";
import { fleet, fleetSummaryRequest } from "@/lib/devices/staff-api";
import { AppError } from "@/lib/errors/app-error";
import { Download } from "lucide-react";
import { agoParts } from "../../_components/format";
import { StatusBadge } from "../../_components/status-badge";
import { Badge } from "../../_components/ui/badge";
import { ButtonAnchor, ButtonLink } from "../../_components/ui/button";
import { DataTable } from "../../_components/ui/data-table";
import { Main } from "../../_components/ui/main";
import { Notice } from "../../_components/ui/notice";
import { PageHeader } from "../../_components/ui/page-header";
import { Truncate } from "../../_components/ui/truncate";
import { BulkActions } from "./bulk-actions";
import { FleetFilters } from "./fleet-filters";
import { FleetSummary } from "./fleet-summary";
import { FleetActions } from "./fleet-actions";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffDevices"))("metaTitle") };
}

const FILTER_KEYS = ["q", "status", "model", "firmware", "owner", "study", "seenBefore", "seenAfter"] as const;
const PAGE_KEYS = [...FILTER_KEYS, "sort", "dir", "cursor", "limit"] as const;

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
  const studyOptions = studies.map((s) => ({ id: s.id, name: studyName.get(s.id)! }));
  try {
    [result, summary] = await Promise.all([fleet(query), fleetSummaryRequest({ ...filter, silentHours })]);
  } catch (err) {
    if (!(err instanceof AppError) || err.status >= 500) throw err;
    problem = err.extra.errors?.length ? err.extra.errors.map((e) => `${e.path}: ${e.message}`).join("; ") : err.detail;
  }
  const filtered = Object.keys(filter).length > 0;
  const canChange = canChangeStaffData(me.role);
  const t = await getTranslations("staffDevices");
  const tCommand = await getTranslations("commandStatus");
  const tAgo = await getTranslations("devices.ago");
  const ago = (at: Date | string | null) => {
    const seen = agoParts(at);
    return tAgo(seen.unit, { n: seen.n });
  };

  return (
    <Main width="console">
      <PageHeader
        title={t("title")}
        description={t("description")}
        actions={
          result && (
            <ButtonAnchor
              variant="secondary"
              href={`/api/v1/staff/devices/export${filterQs ? `?${filterQs}` : ""}`}
              download
            >
              <Download aria-hidden="true" className="size-4" />
              {t("exportCsv")}
            </ButtonAnchor>
          )
        }
      />
      <FleetFilters filter={filter} query={query} silentHours={silentHours} studies={studyOptions} />

      {problem && (
        <Notice tone="danger" role="alert" className="mt-4" data-testid="fleet-error">
          {t("invalidFilters", { problem })}
        </Notice>
      )}

      {summary && <FleetSummary summary={summary} filtered={filtered} />}

      {result && (
        <section aria-labelledby="devices-title" className="mt-8 space-y-4">
          <h2 id="devices-title" className="text-lg font-semibold">
            {t("devicesTitle")}
          </h2>
          {canChange && summary && summary.total > 0 && <BulkActions filter={filter} />}
          {canChange && summary && summary.total > 0 && (
            <p className="text-sm">
              <Link href={`/staff/firmware/rollouts?${new URLSearchParams({ from: "fleet", ...filter })}#new-rollout`}>
                {t("rollOut")}
              </Link>
            </p>
          )}
          {result.devices.length === 0 ? (
            <p className="text-sm text-muted">{filtered ? t("noMatch") : t("noDevices")}</p>
          ) : (
            <DataTable
              data-testid="fleet"
              rows={result.devices}
              rowKey={(d) => d.id}
              rowProps={(d) => ({ "data-device-id": d.id })}
              actionsHeader={t("columns.actions")}
              actions={
                canChange
                  ? (d) =>
                      d.status === "online" || d.status === "offline" ? <FleetActions id={d.id} name={d.name} /> : null
                  : undefined
              }
              columns={[
                {
                  key: "device",
                  header: t("columns.device"),
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
                  header: t("columns.owner"),
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
                {
                  key: "status",
                  header: t("columns.status"),
                  nowrap: true,
                  cell: (d) => <StatusBadge status={d.status} />,
                },
                { key: "seen", header: t("columns.lastSeen"), nowrap: true, cell: (d) => ago(d.lastSeenAt) },
                {
                  key: "command",
                  header: t("columns.lastCommand"),
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
                          {tCommand.has(d.lastCommand.status) ? tCommand(d.lastCommand.status) : d.lastCommand.status}
                        </Badge>
                      </span>
                    ) : (
                      <span className="text-muted" data-testid="last-command">
                        {t("noCommand")}
                      </span>
                    ),
                },
              ]}
            />
          )}
          <nav className="flex flex-wrap gap-2" aria-label={t("pages")}>
            {query.cursor && (
              <ButtonLink variant="secondary" href={`/staff/devices?${new URLSearchParams(firstPage)}`}>
                {t("firstPage")}
              </ButtonLink>
            )}
            {result.nextCursor && (
              <ButtonLink
                variant="secondary"
                rel="next"
                href={`/staff/devices?${new URLSearchParams({ ...query, cursor: result.nextCursor })}`}
              >
                {t("nextPage")}
              </ButtonLink>
            )}
          </nav>
        </section>
      )}
    </Main>
  );
}
