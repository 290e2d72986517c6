import type { Metadata } from "next";
import Link from "next/link";
import { Rocket } from "lucide-react";
import { getTranslations } from "next-intl/server";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { bulkPreview } from "@/lib/devices/staff-api";
import { AppError } from "@/lib/errors/app-error";
import { adoptionRequest, listRolloutsRequest, rolloutImagesRequest } from "@/lib/firmware/rollouts/api";
import { listStudiesRequest } from "@/lib/studies/api";
import { Time } from "../../../_components/time";
import { Badge } from "../../../_components/ui/badge";
import { Panel } from "../../../_components/ui/card";
import { DataTable } from "../../../_components/ui/data-table";
import { EmptyState } from "../../../_components/ui/empty-state";
import { Main } from "../../../_components/ui/main";
import { Notice } from "../../../_components/ui/notice";
import { PageHeader } from "../../../_components/ui/page-header";
import { AdoptionChart } from "./adoption-chart";
import { NewRolloutForm, type Selection } from "./new-rollout-form";
import { RolloutStatus } from "./rollout-badges";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffRollouts"))("title") };
}

// The failure code devices report (docs/protocol.md section 7), shown as the code in every language.
const BAD_SIGNATURE = "bad_signature";
const FLEET_KEYS = ["q", "status", "model", "firmware", "owner", "study", "seenBefore", "seenAfter"];

type Params = Record<string, string | string[] | undefined>;

export default async function RolloutsPage({ searchParams }: { searchParams: Promise<Params> }) {
  const me = await requireStaffPage("/staff/firmware/rollouts");
  const canChange = canChangeStaffData(me.role);
  const raw = await searchParams;
  const [{ rollouts }, adoption, images, { studies }] = await Promise.all([
    listRolloutsRequest(),
    adoptionRequest(),
    rolloutImagesRequest(),
    listStudiesRequest(),
  ]);
  // Opened from the fleet console ("Roll out firmware to this selection"): its filters.
  let selection: Selection | null = null;
  let selectionProblem: string | null = null;
  if (raw.from === "fleet") {
    const filter = Object.fromEntries(
      FLEET_KEYS.flatMap((k) => (typeof raw[k] === "string" && raw[k] !== "" ? [[k, raw[k] as string]] : [])),
    );
    try {
      selection = { filter, count: (await bulkPreview(filter)).count };
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      selectionProblem = err.detail;
    }
  }
  const alarms = rollouts.filter((r) => r.totals.badSignatures > 0);
  const t = await getTranslations("staffRollouts");

  return (
    <Main width="console">
      <PageHeader
        title={t("title")}
        description={t("description")}
        back={{ href: "/staff/firmware", label: t("back") }}
      />
      {alarms.length > 0 && (
        <Notice tone="danger" role="alert" title={t("alarmTitle")} className="mb-4" data-testid="bad-signature-alarm">
          {alarms.map((r) => (
            <span key={r.id} className="block">
              <Link href={`/staff/firmware/rollouts/${r.id}`}>
                {r.model} {r.version}
              </Link>
              {t("alarmText", { count: r.totals.badSignatures })}
            </span>
          ))}
        </Notice>
      )}

      <section aria-labelledby="rollouts-title" className="space-y-3">
        <h2 id="rollouts-title" className="text-lg font-semibold">
          {t("listTitle")}
        </h2>
        {rollouts.length === 0 ? (
          <EmptyState title={t("emptyTitle")} icon={<Rocket aria-hidden className="size-6" />}>
            {t("emptyText")}
          </EmptyState>
        ) : (
          <DataTable
            data-testid="rollouts"
            rows={rollouts}
            rowKey={(r) => r.id}
            rowProps={(r) => ({ "data-rollout": r.id })}
            columns={[
              {
                key: "image",
                header: t("columns.image"),
                primary: true,
                cell: (r) => (
                  <Link href={`/staff/firmware/rollouts/${r.id}`} className="font-medium whitespace-nowrap">
                    {r.model} {r.version}
                  </Link>
                ),
              },
              { key: "status", header: t("columns.status"), cell: (r) => <RolloutStatus status={r.status} pauseReason={r.pauseReason} /> },
              {
                key: "stage",
                header: t("columns.stage"),
                nowrap: true,
                cell: (r) =>
                  t("stageOf", {
                    stage: Math.min(r.currentStage + 1, r.stages.length),
                    stages: r.stages.length,
                    percent: r.stages[r.currentStage]?.percent ?? 100,
                  }),
              },
              {
                key: "progress",
                header: t("columns.progress"),
                nowrap: true,
                cell: (r) => (
                  <span>
                    {r.totals.done} / {r.totals.failed} / {r.totals.devices}
                    {r.totals.badSignatures > 0 && (
                      <>
                        {" "}
                        <Badge tone="danger">{BAD_SIGNATURE}</Badge>
                      </>
                    )}
                  </span>
                ),
              },
              { key: "created", header: t("columns.started"), nowrap: true, cell: (r) => <Time value={r.createdAt} /> },
            ]}
          />
        )}
      </section>

      {canChange && (
        <Panel id="new-rollout" title={t("newTitle")} className="mt-8" description={t("newDescription")}>
          {selectionProblem && (
            <Notice tone="danger" role="alert" className="mb-3">
              {t("selectionInvalid", { problem: selectionProblem })}
            </Notice>
          )}
          <NewRolloutForm
            images={images}
            studies={studies.map((s) => ({ id: s.id, name: s.name.en ?? s.name.nl ?? s.id }))}
            selection={selection}
          />
        </Panel>
      )}

      <Panel id="adoption" title={t("adoptionTitle")} className="mt-8" description={t("adoptionDescription")}>
        <AdoptionChart models={adoption.models} />
      </Panel>
    </Main>
  );
}
