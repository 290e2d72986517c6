import { auditEvents } from "../db/schema";
import type { Db } from "../db/client";
import { countHit } from "../rate-limit";

/** Who did something: a signed-in user, or a label for the system, the CLI or an anonymous caller. */
export type Actor = { id: string | null; label: string; ip: string | null };

export const SYSTEM_ACTOR: Actor = { id: null, label: "system", ip: null };
export const CLI_ACTOR: Actor = { id: null, label: "cli", ip: null };

export type AuditInput = {
  action: string;
  outcome: "success" | "failure";
  subjectUserId?: string | null;
  subjectLabel?: string | null;
  subjectDeviceId?: string | null;
  detail?: Record<string, unknown>;
};

/**
 * Appends one event. Pass the transaction of the use case so the event and the change it
 * records commit together (or not at all).
 */
export async function recordAudit(db: Db, actor: Actor, input: AuditInput): Promise<void> {
  await db.insert(auditEvents).values({
    actorId: actor.id,
    actorLabel: actor.label,
    ip: actor.ip,
    action: input.action,
    outcome: input.outcome,
    subjectUserId: input.subjectUserId ?? null,
    subjectLabel: input.subjectLabel ?? null,
    subjectDeviceId: input.subjectDeviceId ?? null,
    detail: input.detail ?? {},
  });
}

const REFUSALS_PER_KEY = { max: 20, windowSeconds: 600 };

/**
 * Records a refusal, at most 20 per key (caller and reason) in 10 minutes, so a flood of bad
 * requests cannot fill the audit log. Returns whether it was recorded.
 */
export async function recordRefusal(db: Db, actor: Actor, key: string, input: Omit<AuditInput, "outcome">): Promise<boolean> {
  const { count } = await countHit(db, `audit:${key}`, REFUSALS_PER_KEY);
  if (count > REFUSALS_PER_KEY.max) return false;
  await recordAudit(db, actor, { ...input, outcome: "failure" });
  return true;
}
