"use client";

import { useRouter } from "next/navigation";
import { api } from "../../../../_components/api";
import { Button } from "../../../../_components/ui/button";
import { ConfirmDialog } from "../../../../_components/ui/confirm-dialog";

const TEXT = {
  pause: {
    label: "Pause",
    title: "Pause this rollout?",
    description: "No further command is sent until you resume it. Devices that already have the command carry on.",
  },
  resume: {
    label: "Resume",
    title: "Resume this rollout?",
    description:
      "The current stage's failures so far are accepted; it pauses again only if new failures reach the threshold.",
  },
  abort: {
    label: "Abort",
    title: "Abort this rollout for good?",
    description:
      "Commands no device has taken yet are withdrawn at once. A device already downloading finishes and reports. It cannot be resumed.",
  },
} as const;

/** Pause, resume and abort, each confirmed in a dialog that shows the server's refusal. */
export function RolloutControls({ id, status }: { id: string; status: string }) {
  const router = useRouter();
  const actions = (status === "running" ? ["pause", "abort"] : status === "paused" ? ["resume", "abort"] : []) as (keyof typeof TEXT)[];
  if (actions.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-2" data-testid="rollout-controls">
      {actions.map((a) => (
        <ConfirmDialog
          key={a}
          trigger={
            <Button variant={a === "abort" ? "danger-outline" : "secondary"} size="sm">
              {TEXT[a].label}
            </Button>
          }
          tone={a === "abort" ? "danger" : "primary"}
          title={TEXT[a].title}
          description={TEXT[a].description}
          confirmLabel={`${TEXT[a].label} the rollout`}
          cancelLabel="Cancel"
          onConfirm={async () => {
            await api(`/api/v1/staff/firmware/rollouts/${id}/${a}`, { method: "POST" });
            router.refresh();
          }}
        />
      ))}
    </div>
  );
}
