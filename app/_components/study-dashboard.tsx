import type { Dashboard } from "@/lib/studies/dashboard";
import { CompletenessChart } from "./completeness-chart";
import { Time } from "./time";
import { ButtonAnchor } from "./ui/button";
import { Panel } from "./ui/card";
import { DataTable } from "./ui/data-table";

const FUNNEL: [keyof Dashboard["funnel"], string][] = [
  ["invited", "Invited"],
  ["accepted", "Accepted"],
  ["consented", "Consented"],
  ["deviceClaimed", "Device claimed"],
  ["reportedLast24h", "Reported in 24 h"],
  ["withdrawn", "Withdrawn"],
];

/** The export's download link: the route streams the zip and audits the download. */
export function ExportButton({ studyId }: { studyId: string }) {
  return (
    <ButtonAnchor href={`/api/v1/research/studies/${studyId}/export`} download variant="secondary" data-testid="export">
      Download the export (zip)
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
  return (
    <div className="space-y-6" data-testid="study-dashboard">
      <Panel title="Enrolment funnel" actions={<ExportButton studyId={studyId} />}>
        <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3 lg:grid-cols-6" data-testid="funnel">
          {FUNNEL.map(([key, label]) => (
            <div key={key} className="rounded-md border border-line p-3" data-funnel={key}>
              <dt className="text-xs text-muted">{label}</dt>
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
      <Panel
        title="Completeness per day"
        description="Readings received against readings expected from each device's interval."
      >
        <CompletenessChart days={completeness} />
      </Panel>
      <Panel
        title="Silent devices"
        description={`Devices in the study not heard from for more than ${silentHours} hours.`}
      >
        {silent.length === 0 ? (
          <p className="text-sm text-muted">None: every device reported within {silentHours} hours.</p>
        ) : (
          <DataTable
            data-testid="silent"
            rows={silent}
            rowKey={(s) => s.device}
            columns={[
              {
                key: "device",
                header: "Device",
                primary: true,
                cell: (s) => <span className="font-mono">{s.device}</span>,
              },
              {
                key: "participant",
                header: "Participant",
                cell: (s) => <span className="font-mono">{s.participant}</span>,
              },
              { key: "model", header: "Model", cell: (s) => s.model },
              { key: "last", header: "Last seen", nowrap: true, cell: (s) => <Time value={s.lastSeenAt} /> },
              ...(silent.some((s) => s.contact)
                ? [
                    {
                      key: "contact",
                      header: "Contact",
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
