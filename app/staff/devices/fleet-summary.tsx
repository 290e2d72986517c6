import Link from "next/link";
import { getTranslations } from "next-intl/server";
import type { fleetSummaryRequest } from "@/lib/devices/staff-api";
import { DataTable } from "../../_components/ui/data-table";
import { StatusChart } from "./status-chart";

/** How the fleet (or the filtered selection) stands: devices by status, the quiet ones, devices by model and firmware. */
export async function FleetSummary({
  summary,
  filtered,
}: {
  summary: Awaited<ReturnType<typeof fleetSummaryRequest>>;
  filtered: boolean;
}) {
  const t = await getTranslations("staffDevices");
  const byStatus = summary.byStatus;
  return (
    <section aria-labelledby="summary-title" data-testid="fleet-summary" className="mt-6">
      <h2 id="summary-title" className="text-lg font-semibold">
        {filtered ? t("summarySelection") : t("summary")}
      </h2>
      <div className="mt-3 grid gap-4 lg:grid-cols-2">
        <div className="rounded-lg border border-line bg-surface p-4 shadow-xs">
          <p className="text-sm text-muted" data-testid="fleet-count">
            {t("count", { total: summary.total, ...byStatus })}
          </p>
          <div className="mt-3">
            <StatusChart byStatus={summary.byStatus} />
          </div>
          <p className="mt-3 text-sm">
            {t.rich("quiet", {
              never: summary.neverReported,
              silent: summary.silent,
              hours: summary.silentHours,
              neverTag: (c) => <span data-testid="never-reported">{c}</span>,
              silentTag: (c) => <span data-testid="silent">{c}</span>,
            })}
          </p>
        </div>
        {summary.byModel.length > 0 && (
          <DataTable
            data-testid="by-model"
            caption={t("byModel")}
            rows={summary.byModel}
            rowKey={(m) => `${m.model} ${m.firmware}`}
            columns={[
              {
                key: "model",
                header: t("columns.model"),
                primary: true,
                cell: (m) => <Link href={`/staff/devices?${new URLSearchParams({ model: m.model })}`}>{m.model}</Link>,
              },
              {
                key: "firmware",
                header: t("columns.firmware"),
                nowrap: true,
                cell: (m) => (
                  <Link href={`/staff/devices?${new URLSearchParams({ model: m.model, firmware: m.firmware })}`}>
                    {m.firmware}
                  </Link>
                ),
              },
              { key: "count", header: t("columns.devices"), align: "end", nowrap: true, cell: (m) => m.count },
            ]}
          />
        )}
      </div>
    </section>
  );
}
