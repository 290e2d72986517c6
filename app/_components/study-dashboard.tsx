import { useTranslations } from "next-intl";
import type { Dashboard } from "@/lib/studies/dashboard";
import { CompletenessChart } from "./completeness-chart";
import { Time } from "./time";
import { ButtonAnchor } from "./ui/button";
import { Panel } from "./ui/card";
import { DataTable } from "./ui/data-table";

const FUNNEL: (keyof Dashboard["funnel"])[] = [
  "invited",
  "accepted",
  "consented",
  "deviceClaimed",
  "reportedLast24h",
  "withdrawn",
];

/** The export's download link: the route streams the zip and audits the download. */
export function ExportButton({ studyId }: { studyId: string }) {
  const t = useTranslations("studyDashboard");
  return (
    <ButtonAnchor href={`/api/v1/research/studies/${studyId}/export`} download variant="secondary" data-testid="export">
      {t("export")}
    </ButtonAnchor>
  );
}

/**
 * A study's dashboard for staff and researchers: the funnel, completeness per day, silent
 * devices. Contact details appear only when the data has them (staff and support).
 */
export function StudyDashboard({ dashboard, studyId }: { dashboard: Dashboard; studyId: string }) {
  const { funnel, completeness, silent, silentHours } = dashboard;
  const max = Math.max(1, funnel.invited);
  const t = useTranslations("studyDashboard");
  return (
    <div className="space-y-6" data-testid="study-dashboard">
      <Panel title={t("funnel")} actions={<ExportButton studyId={studyId} />}>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="funnel">
          {FUNNEL.map((key) => (
            <div key={key} className="rounded-md border border-line p-3" data-funnel={key}>
              <dt className="text-xs text-muted">{t(`steps.${key}`)}</dt>
              <dd className="mt-1 text-2xl font-semibold tabular-nums">{funnel[key]}</dd>
              <div className="mt-2 h-1.5 rounded-full bg-sunken" aria-hidden="true">
                <div
                  className="h-1.5 rounded-full bg-accent"
                  style={{ width: `${Math.round((funnel[key] / max) * 100)}%` }}
                />
              </div>
            </div>
          ))}
        </dl>
      </Panel>
      <Panel title={t("completeness")} description={t("completenessText")}>
        <CompletenessChart days={completeness} />
      </Panel>
      <Panel title={t("silent")} description={t("silentText", { hours: silentHours })}>
        {silent.length === 0 ? (
          <p className="text-sm text-muted">{t("silentNone", { hours: silentHours })}</p>
        ) : (
          <DataTable
            data-testid="silent"
            rows={silent}
            rowKey={(s) => s.device}
            columns={[
              {
                key: "device",
                header: t("columns.device"),
                primary: true,
                cell: (s) => <span className="font-mono">{s.device}</span>,
              },
              {
                key: "participant",
                header: t("columns.participant"),
                cell: (s) => <span className="font-mono">{s.participant}</span>,
              },
              { key: "model", header: t("columns.model"), cell: (s) => s.model },
              { key: "last", header: t("columns.lastSeen"), nowrap: true, cell: (s) => <Time value={s.lastSeenAt} /> },
              ...(silent.some((s) => s.contact)
                ? [
                    {
                      key: "contact",
                      header: t("columns.contact"),
                      cell: (s: (typeof silent)[number]) =>
                        s.contact ? (
                          <span className="break-all">
                            {s.contact.name} · {s.contact.email}
                          </span>
                        ) : null,
                    },
                  ]
                : []),
            ]}
          />
        )}
      </Panel>
    </div>
  );
}
