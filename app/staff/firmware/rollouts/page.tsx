import type { Metadata } from "next";
import Link from "next/link";
import { Rocket } from "lucide-react";
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

export const metadata: Metadata = { title: "Firmware rollouts" };

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

  return (
    <Main width="console">
      <PageHeader
        title="Firmware rollouts"
        description="Send an image to a model's devices in stages; a stage's failures pause it on its own."
        back={{ href: "/staff/firmware", label: "Firmware" }}
      />
      {alarms.length > 0 && (
        <Notice tone="danger" role="alert" title="A device refused an image's signature" className="mb-4" data-testid="bad-signature-alarm">
          {alarms.map((r) => (
            <span key={r.id} className="block">
              <Link href={`/staff/firmware/rollouts/${r.id}`}>
                {r.model} {r.version}
              </Link>
              : {r.totals.badSignatures} device{r.totals.badSignatures === 1 ? "" : "s"} reported bad_signature. A device
              whose pinned keys did not verify the image: check the firmware keys before going on.
            </span>
          ))}
        </Notice>
      )}

      <section aria-labelledby="rollouts-title" className="space-y-3">
        <h2 id="rollouts-title" className="text-lg font-semibold">
          Rollouts
        </h2>
        {rollouts.length === 0 ? (
          <EmptyState title="No rollouts yet" icon={<Rocket aria-hidden className="size-6" />}>
            Start one below once an image is uploaded.
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
                header: "Image",
                primary: true,
                cell: (r) => (
                  <Link href={`/staff/firmware/rollouts/${r.id}`} className="font-medium whitespace-nowrap">
                    {r.model} {r.version}
                  </Link>
                ),
              },
              { key: "status", header: "Status", cell: (r) => <RolloutStatus status={r.status} pauseReason={r.pauseReason} /> },
              {
                key: "stage",
                header: "Stage",
                nowrap: true,
                cell: (r) =>
                  `${Math.min(r.currentStage + 1, r.stages.length)} of ${r.stages.length} (${r.stages[r.currentStage]?.percent ?? 100} %)`,
              },
              {
                key: "progress",
                header: "Done / failed / devices",
                nowrap: true,
                cell: (r) => (
                  <span>
                    {r.totals.done} / {r.totals.failed} / {r.totals.devices}
                    {r.totals.badSignatures > 0 && (
                      <>
                        {" "}
                        <Badge tone="danger">bad_signature</Badge>
                      </>
                    )}
                  </span>
                ),
              },
              { key: "created", header: "Started", nowrap: true, cell: (r) => <Time value={r.createdAt} /> },
            ]}
          />
        )}
      </section>

      {canChange && (
        <Panel id="new-rollout" title="New rollout" className="mt-8" description="Only active devices of the image's model are reached.">
          {selectionProblem && (
            <Notice tone="danger" role="alert" className="mb-3">
              The fleet selection is not valid: {selectionProblem}
            </Notice>
          )}
          <NewRolloutForm
            images={images}
            studies={studies.map((s) => ({ id: s.id, name: s.name.en ?? s.name.nl ?? s.id }))}
            selection={selection}
          />
        </Panel>
      )}

      <Panel id="adoption" title="Running versions" className="mt-8" description="Active devices per model, by the firmware they last reported.">
        <AdoptionChart models={adoption.models} />
      </Panel>
    </Main>
  );
}
