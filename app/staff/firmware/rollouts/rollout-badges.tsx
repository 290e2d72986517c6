import { useTranslations } from "next-intl";
import { Badge, type Tone } from "../../../_components/ui/badge";

const STATUS_TONE: Record<string, Tone> = { running: "accent", paused: "warn", aborted: "neutral", completed: "ok" };

/** A rollout's status, and why it is paused. */
export function RolloutStatus({ status, pauseReason }: { status: string; pauseReason: string | null }) {
  const t = useTranslations("staffRollouts");
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="rollout-status">
      <Badge tone={STATUS_TONE[status] ?? "neutral"}>{t.has(`status.${status}`) ? t(`status.${status}`) : status}</Badge>
      {pauseReason && (
        <Badge tone={pauseReason === "staff" ? "neutral" : "danger"}>
          {t.has(`pause.${pauseReason}`) ? t(`pause.${pauseReason}`) : pauseReason}
        </Badge>
      )}
    </span>
  );
}
