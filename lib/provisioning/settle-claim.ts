import { and, count, eq } from "drizzle-orm";
import { recordAudit, SYSTEM_ACTOR } from "../audit/record";
import type { Db } from "../db/client";
import { claims, provisioningSessions, type Claim, type ProvisioningSession } from "../db/schema";
import type { ProvisioningConfig } from "./config";
import { notifyTopic } from "./events";

// Where a claim times out or fails. Timeouts are applied lazily: whoever next reads a session or
// claim past its deadline ends it, under a row lock, so it ends exactly once whichever process
// looks first.

export type SessionWithClaim = { session: ProvisioningSession; claim: Claim | null };

/** (1.1) MAX_POP_FAILURES per claimant and MAX_SESSION_POP_FAILURES per session (docs/protocol.md section 2). */
export type PopLimits = Pick<ProvisioningConfig, "maxPopFailures" | "maxSessionPopFailures">;

/** `pop_mismatch` answers to one account's claims on one session. */
export async function claimantPopFailures(tx: Db, sid: string, userId: string): Promise<number> {
  const [{ n }] = await tx
    .select({ n: count() })
    .from(claims)
    .where(and(eq(claims.sid, sid), eq(claims.userId, userId), eq(claims.reason, "pop_mismatch")));
  return Number(n);
}

/**
 * Ends an open claim with a failure: the PoP is erased, the session waits again, or locks for
 * everyone once MAX_SESSION_POP_FAILURES wrong codes were answered in all. The claimant alone
 * is locked out after MAX_POP_FAILURES of their own (checked when they claim again).
 */
export async function failClaim(
  tx: Db,
  session: ProvisioningSession,
  claim: Claim,
  reason: "pop_mismatch" | "user_declined" | "timeout",
  limits: PopLimits,
): Promise<SessionWithClaim> {
  const [ended] = await tx
    .update(claims)
    .set({ state: "failed", reason, popSealed: null, endedAt: new Date() })
    .where(and(eq(claims.id, claim.id), eq(claims.state, "waiting_for_device")))
    .returning();
  const failures = session.popFailures + (reason === "pop_mismatch" ? 1 : 0);
  const expired = session.expiresAt.getTime() <= Date.now();
  const state = expired ? "expired" : failures >= limits.maxSessionPopFailures ? "locked" : "waiting";
  const [updated] = await tx
    .update(provisioningSessions)
    .set({ state, popFailures: failures, currentClaimId: null })
    .where(eq(provisioningSessions.sid, session.sid))
    .returning();
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: `claim.${reason === "timeout" ? "timeout" : reason === "user_declined" ? "declined" : "pop_mismatch"}`,
    outcome: "failure",
    subjectUserId: claim.userId,
    subjectDeviceId: session.boundDeviceId ?? claim.replacesDeviceId ?? null,
    detail: { sid: session.sid, claimId: claim.id, popFailures: failures },
  });
  if (reason === "pop_mismatch" && ended) {
    const own = await claimantPopFailures(tx, session.sid, claim.userId);
    if (own === limits.maxPopFailures) {
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: "session.claimant_locked_out",
        outcome: "failure",
        subjectUserId: claim.userId,
        detail: { sid: session.sid, popFailures: own },
      });
    }
  }
  if (state === "locked") {
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "session.locked",
      outcome: "failure",
      subjectUserId: claim.userId,
      detail: { sid: session.sid, popFailures: failures },
    });
  }
  await notifyTopic(tx, `session:${session.sid}`);
  await notifyTopic(tx, `claim:${claim.id}`);
  return { session: updated, claim: ended ?? claim };
}

/**
 * The session (locked for update inside `tx`) and its current claim, with any deadline that
 * has passed applied. Null when the sid is unknown.
 */
export async function settleSession(tx: Db, sid: string, limits: PopLimits): Promise<SessionWithClaim | null> {
  const [session] = await tx.select().from(provisioningSessions).where(eq(provisioningSessions.sid, sid)).for("update");
  return session ? settleLocked(tx, session, null, limits) : null;
}

/**
 * settleSession for a session row the caller has just locked for update in `tx`. `read` is a
 * claim of the session the caller read after taking the lock (pipelined with it); it is used
 * when it is the session's current claim, which is otherwise read here.
 */
export async function settleLocked(
  tx: Db,
  session: ProvisioningSession,
  read: Claim | null,
  limits: PopLimits,
): Promise<SessionWithClaim> {
  const sid = session.sid;
  const claim = !session.currentClaimId
    ? null
    : read?.id === session.currentClaimId
      ? read
      : ((await tx.select().from(claims).where(eq(claims.id, session.currentClaimId)))[0] ?? null);
  const now = Date.now();
  if (
    claim &&
    claim.state === "waiting_for_device" &&
    (claim.expiresAt.getTime() <= now || session.expiresAt.getTime() <= now)
  ) {
    return failClaim(tx, session, claim, "timeout", limits);
  }
  if ((session.state === "waiting" || session.state === "challenge") && session.expiresAt.getTime() <= now) {
    const [updated] = await tx
      .update(provisioningSessions)
      .set({ state: "expired", currentClaimId: null })
      .where(eq(provisioningSessions.sid, sid))
      .returning();
    await notifyTopic(tx, `session:${sid}`);
    return { session: updated, claim: null };
  }
  return { session, claim };
}
