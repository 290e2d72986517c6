import { auditEvents } from "../db/schema";
import type { Db } from "../db/client";
import { countHit } from "../rate-limit";
import { addressBucket } from "../rate-limit/address";

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

export type RefusalInput = Omit<AuditInput, "outcome"> & {
  /** The refusal's code (an AppError code), recorded in the detail and part of the cap's key. */
  code: string;
  /** Whom the cap counts: defaults to the actor's account id, else its address (IPv6 by /64). */
  caller?: string | null;
};

/**
 * Records a refusal, at most 20 per key in 10 minutes, so a flood of bad requests cannot fill
 * the audit log. One key scheme everywhere: action, caller, code. Returns whether it was recorded.
 */
export async function recordRefusal(db: Db, actor: Actor, input: RefusalInput): Promise<boolean> {
  const { code, caller, ...event } = input;
  const key = `${event.action}:${caller ?? actor.id ?? addressBucket(actor.ip)}:${code}`;
  const { count } = await countHit(db, `audit:${key}`, REFUSALS_PER_KEY);
  if (count > REFUSALS_PER_KEY.max) return false;
  await recordAudit(db, actor, { ...event, detail: { code, ...event.detail }, outcome: "failure" });
  return true;
}
