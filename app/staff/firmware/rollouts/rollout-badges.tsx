import { Badge, type Tone } from "../../../_components/ui/badge";

const STATUS_TONE: Record<string, Tone> = { running: "accent", paused: "warn", aborted: "neutral", completed: "ok" };
const PAUSE_TEXT: Record<string, string> = {
  staff: "by staff",
  failure_threshold: "failure threshold",
  image_yanked: "image yanked",
};

/** A rollout's status, and why it is paused. */
export function RolloutStatus({ status, pauseReason }: { status: string; pauseReason: string | null }) {
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="rollout-status">
      <Badge tone={STATUS_TONE[status] ?? "neutral"}>{status}</Badge>
      {pauseReason && <Badge tone={pauseReason === "staff" ? "neutral" : "danger"}>{PAUSE_TEXT[pauseReason] ?? pauseReason}</Badge>}
    </span>
  );
}
