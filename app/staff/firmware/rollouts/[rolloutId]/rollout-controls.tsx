"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { api } from "../../../../_components/api";
import { Button } from "../../../../_components/ui/button";
import { ConfirmDialog } from "../../../../_components/ui/confirm-dialog";
import { useStaffRefusal } from "../../../../_components/staff-refusal";

type Control = "pause" | "resume" | "abort";

/** Pause, resume and abort, each confirmed in a dialog that shows the server's refusal. */
export function RolloutControls({ id, status }: { id: string; status: string }) {
  const router = useRouter();
  const t = useTranslations("staffRollouts.controls");
  const refusal = useStaffRefusal();
  const actions: Control[] = status === "running" ? ["pause", "abort"] : status === "paused" ? ["resume", "abort"] : [];
  if (actions.length === 0) return null;
  return (
    <div className="flex flex-wrap gap-2" data-testid="rollout-controls">
      {actions.map((a) => (
        <ConfirmDialog
          key={a}
          trigger={
            <Button variant={a === "abort" ? "danger-outline" : "secondary"} size="sm">
              {t(`${a}.label`)}
            </Button>
          }
          tone={a === "abort" ? "danger" : "primary"}
          title={t(`${a}.title`)}
          description={t(`${a}.description`)}
          confirmLabel={t(`${a}.confirm`)}
          cancelLabel={t("cancel")}
          onConfirm={async () => {
            await api(`/api/v1/staff/firmware/rollouts/${id}/${a}`, { method: "POST" }).catch((err: unknown) => {
              throw refusal(err);
            });
            router.refresh();
          }}
        />
      ))}
    </div>
  );
}
