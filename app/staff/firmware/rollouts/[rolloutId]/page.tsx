import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getTranslations } from "next-intl/server";
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

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffRollouts.rollout"))("metaTitle") };
}

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
  const t = await getTranslations("staffRollouts.rollout");
  const target =
    r.target.kind === "devices"
      ? t("targetSelection")
      : t("targetModel", { model: r.model, study: r.target.studyId ?? "none", firmware: r.target.firmware ?? "none" });

  return (
    <Main width="console">
      <PageHeader
        title={t("title", { model: r.model, version: r.version })}
        back={{ href: "/staff/firmware/rollouts", label: t("back") }}
        badge={<RolloutStatus status={r.status} pauseReason={r.pauseReason} />}
        actions={canChangeStaffData(me.role) ? <RolloutControls id={r.id} status={r.status} /> : undefined}
      />
      {r.totals.badSignatures > 0 && (
        <Notice tone="danger" role="alert" title={t("alarmTitle")} className="mb-4" data-testid="bad-signature-alarm">
          {t("alarmText", { count: r.totals.badSignatures })}
        </Notice>
      )}
      {r.pauseReason && (
        <Notice tone={r.pauseReason === "staff" ? "accent" : "warn"} className="mb-4" data-testid="pause-reason">
          {t.has(`paused.${r.pauseReason}`) ? t(`paused.${r.pauseReason}`) : r.pauseReason}
        </Notice>
      )}

      <Panel id="overview" title={t("overview")}>
        <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-2">
          <div className="min-w-0">
            <dt className="text-muted">{t("image")}</dt>
            <dd>
              <Truncate value={r.sha256} mono />
            </dd>
          </div>
          <div>
            <dt className="text-muted">{t("target")}</dt>
            <dd>
              {t("targetCount", { target, count: r.totals.devices, excluded: r.target.excluded })}
            </dd>
          </div>
          <div>
            <dt className="text-muted">{t("autoPause")}</dt>
            <dd>{t("threshold", { percent: r.failureThreshold.percent, count: r.failureThreshold.count })}</dd>
          </div>
          <div>
            <dt className="text-muted">{t("expireAfter")}</dt>
            <dd>{t("hours", { hours: r.expiryHours })}</dd>
          </div>
          <div>
            <dt className="text-muted">{t("started")}</dt>
            <dd>
              <Time value={r.createdAt} />
              {r.createdBy ? ` ${t("by", { name: r.createdBy })}` : ""}
            </dd>
          </div>
          {r.endedAt && (
            <div>
              <dt className="text-muted">{t("ended")}</dt>
              <dd>
                <Time value={r.endedAt} />
              </dd>
            </div>
          )}
        </dl>
      </Panel>

      <section aria-labelledby="stages-title" className="mt-8 space-y-3">
        <h2 id="stages-title" className="text-lg font-semibold">
          {t("stages")}
        </h2>
        <DataTable
          data-testid="rollout-stages"
          rows={r.stages}
          rowKey={(s) => String(s.stage)}
          rowProps={(s) => ({ "data-stage": String(s.stage) })}
          columns={[
            {
              key: "stage",
              header: t("columns.stage"),
              primary: true,
              cell: (s) => (
                <span className="whitespace-nowrap">
                  {s.stage + 1}: {s.percent} %{" "}
                  {r.status !== "completed" && r.status !== "aborted" && s.stage === r.currentStage && (
                    <Badge tone="accent">{t("current")}</Badge>
                  )}
                </span>
              ),
            },
            { key: "devices", header: t("columns.devices"), nowrap: true, align: "end", cell: (s) => s.devices },
            { key: "soak", header: t("columns.soak"), nowrap: true, cell: (s) => t("minutes", { minutes: s.soakMinutes }) },
            { key: "waiting", header: t("columns.waiting"), nowrap: true, align: "end", cell: (s) => s.waiting },
            { key: "queued", header: t("columns.queued"), nowrap: true, align: "end", cell: (s) => <span data-testid="queued">{s.queued}</span> },
            { key: "progress", header: t("columns.inProgress"), nowrap: true, align: "end", cell: (s) => s.inProgress },
            { key: "done", header: t("columns.done"), nowrap: true, align: "end", cell: (s) => <span data-testid="done">{s.done}</span> },
            {
              key: "failed",
              header: t("columns.failed"),
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
            { key: "rolledBack", header: t("columns.rolledBack"), nowrap: true, align: "end", cell: (s) => s.rolledBack },
            { key: "expired", header: t("columns.expired"), nowrap: true, align: "end", cell: (s) => s.expired + s.skipped },
          ]}
        />
        <p className="text-sm text-muted">
          {t("expiredNote")}
        </p>
      </section>
    </Main>
  );
}
