import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors/app-error";
import { rolloutRequest } from "@/lib/firmware/rollouts/api";
import { Time } from "../../../../_components/time";
import { Badge } from "../../../../_components/ui/badge";
import { Panel } from "../../../../_components/ui/card";
import { DataTable } from "../../../../_components/ui/data-table";
import { Main } from "../../../../_components/ui/main";
import { Notice } from "../../../../_components/ui/notice";
import { PageHeader } from "../../../../_components/ui/page-header";
import { Truncate } from "../../../../_components/ui/truncate";
import { RolloutStatus } from "../rollout-badges";
import { RolloutControls } from "./rollout-controls";

export const metadata: Metadata = { title: "Firmware rollout" };

const PAUSED_WHY: Record<string, string> = {
  staff: "Paused by staff.",
  failure_threshold: "Paused on its own: the current stage's failures reached the threshold. Look at the failures, then resume or abort.",
  image_yanked: "Paused on its own: the image was yanked. It cannot resume; abort it.",
};

export default async function RolloutPage({ params }: { params: Promise<{ rolloutId: string }> }) {
  const { rolloutId } = await params;
  const me = await requireStaffPage(`/staff/firmware/rollouts/${rolloutId}`);
  let r: Awaited<ReturnType<typeof rolloutRequest>>;
  try {
    r = await rolloutRequest(rolloutId);
  } catch (err) {
    if (err instanceof AppError && err.code === "not_found") notFound();
    throw err;
  }
  const target =
    r.target.kind === "devices"
      ? "a selection of devices"
      : [`every active ${r.model}`, r.target.studyId && `of study ${r.target.studyId}`, r.target.firmware && `running ${r.target.firmware}`]
          .filter(Boolean)
          .join(" ");

  return (
    <Main width="console">
      <PageHeader
        title={`Rollout of ${r.model} ${r.version}`}
        back={{ href: "/staff/firmware/rollouts", label: "Rollouts" }}
        badge={<RolloutStatus status={r.status} pauseReason={r.pauseReason} />}
        actions={canChangeStaffData(me.role) ? <RolloutControls id={r.id} status={r.status} /> : undefined}
      />
      {r.totals.badSignatures > 0 && (
        <Notice tone="danger" role="alert" title="Alarm: bad_signature" className="mb-4" data-testid="bad-signature-alarm">
          {r.totals.badSignatures} device{r.totals.badSignatures === 1 ? "" : "s"} refused this image&apos;s signature. A
          device only reports this when no firmware key it pins signed the image: check the firmware keys and the
          image before going on.
        </Notice>
      )}
      {r.pauseReason && (
        <Notice tone={r.pauseReason === "staff" ? "accent" : "warn"} className="mb-4" data-testid="pause-reason">
          {PAUSED_WHY[r.pauseReason]}
        </Notice>
      )}

      <Panel id="overview" title="Overview">
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <div className="min-w-0">
            <dt className="text-muted">Image</dt>
            <dd>
              <Truncate value={r.sha256} mono />
            </dd>
          </div>
          <div>
            <dt className="text-muted">Target</dt>
            <dd>
              {target}: {r.totals.devices} device{r.totals.devices === 1 ? "" : "s"}
              {r.target.excluded > 0 ? ` (${r.target.excluded} left out: another model or not active)` : ""}
            </dd>
          </div>
          <div>
            <dt className="text-muted">Automatic pause</dt>
            <dd>
              at {r.failureThreshold.percent} % of a stage or {r.failureThreshold.count} failed devices
            </dd>
          </div>
          <div>
            <dt className="text-muted">Commands expire after</dt>
            <dd>{r.expiryHours} h</dd>
          </div>
          <div>
            <dt className="text-muted">Started</dt>
            <dd>
              <Time value={r.createdAt} />
              {r.createdBy ? ` by ${r.createdBy}` : ""}
            </dd>
          </div>
          {r.endedAt && (
            <div>
              <dt className="text-muted">Ended</dt>
              <dd>
                <Time value={r.endedAt} />
              </dd>
            </div>
          )}
        </dl>
      </Panel>

      <section aria-labelledby="stages-title" className="mt-8 space-y-3">
        <h2 id="stages-title" className="text-lg font-semibold">
          Stages
        </h2>
        <DataTable
          data-testid="rollout-stages"
          rows={r.stages}
          rowKey={(s) => String(s.stage)}
          rowProps={(s) => ({ "data-stage": String(s.stage) })}
          columns={[
            {
              key: "stage",
              header: "Stage",
              primary: true,
              cell: (s) => (
                <span className="whitespace-nowrap">
                  {s.stage + 1}: {s.percent} %{" "}
                  {r.status !== "completed" && r.status !== "aborted" && s.stage === r.currentStage && (
                    <Badge tone="accent">current</Badge>
                  )}
                </span>
              ),
            },
            { key: "devices", header: "Devices", nowrap: true, align: "end", cell: (s) => s.devices },
            { key: "soak", header: "Soak", nowrap: true, cell: (s) => `${s.soakMinutes} min` },
            { key: "waiting", header: "Not yet sent", nowrap: true, align: "end", cell: (s) => s.waiting },
            { key: "queued", header: "Queued", nowrap: true, align: "end", cell: (s) => <span data-testid="queued">{s.queued}</span> },
            { key: "progress", header: "In progress", nowrap: true, align: "end", cell: (s) => s.inProgress },
            { key: "done", header: "Done", nowrap: true, align: "end", cell: (s) => <span data-testid="done">{s.done}</span> },
            {
              key: "failed",
              header: "Failed, by code",
              cell: (s) =>
                s.failed === 0 ? (
                  <span data-testid="failed">0</span>
                ) : (
                  <span className="inline-flex flex-wrap gap-1" data-testid="failed">
                    {Object.entries(s.failedByCode).map(([code, n]) => (
                      <Badge key={code} tone={code === "bad_signature" ? "danger" : "warn"}>
                        {code} {n}
                      </Badge>
                    ))}
                  </span>
                ),
            },
            { key: "rolledBack", header: "Rolled back", nowrap: true, align: "end", cell: (s) => s.rolledBack },
            { key: "expired", header: "Expired", nowrap: true, align: "end", cell: (s) => s.expired + s.skipped },
          ]}
        />
        <p className="text-sm text-muted">
          Expired counts commands no device took before their expiry (or that an abort withdrew), and devices that were
          no longer active when their stage started.
        </p>
      </section>
    </Main>
  );
}
