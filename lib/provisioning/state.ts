import { and, eq, sql } from "drizzle-orm";
import { recordAudit, SYSTEM_ACTOR } from "../audit/record";
import type { Db } from "../db/client";
import { claims, provisioningSessions, type Claim, type ProvisioningSession } from "../db/schema";
import { notifyTopic } from "./events";

// Timeouts are applied lazily: whoever next reads a session or claim past its deadline ends
// it, under a row lock, so it ends exactly once whichever process looks first.

export type SessionWithClaim = { session: ProvisioningSession; claim: Claim | null };

/** Ends an open claim with a failure: the PoP is erased, the session waits again (or locks). */
export async function failClaim(tx: Db, session: ProvisioningSession, claim: Claim, reason: "pop_mismatch" | "user_declined" | "timeout", maxPopFailures: number): Promise<SessionWithClaim> {
  const [ended] = await tx
    .update(claims)
    .set({ state: "failed", reason, popSealed: null, endedAt: new Date() })
    .where(and(eq(claims.id, claim.id), eq(claims.state, "waiting_for_device")))
    .returning();
  const failures = session.popFailures + (reason === "pop_mismatch" ? 1 : 0);
  const expired = session.expiresAt.getTime() <= Date.now();
  const state = expired ? "expired" : failures >= maxPopFailures ? "locked" : "waiting";
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
  if (state === "locked") {
    await recordAudit(tx, SYSTEM_ACTOR, { action: "session.locked", outcome: "failure", subjectUserId: claim.userId, detail: { sid: session.sid, popFailures: failures } });
  }
  await notifyTopic(tx, `session:${session.sid}`);
  await notifyTopic(tx, `claim:${claim.id}`);
  return { session: updated, claim: ended ?? claim };
}

/**
 * The session (locked for update inside `tx`) and its current claim, with any deadline that
 * has passed applied. Null when the sid is unknown.
 */
export async function settleSession(tx: Db, sid: string, maxPopFailures: number): Promise<SessionWithClaim | null> {
  const [session] = await tx.select().from(provisioningSessions).where(eq(provisioningSessions.sid, sid)).for("update");
  if (!session) return null;
  const claim = session.currentClaimId
    ? ((await tx.select().from(claims).where(eq(claims.id, session.currentClaimId)))[0] ?? null)
    : null;
  const now = Date.now();
  if (claim && claim.state === "waiting_for_device" && (claim.expiresAt.getTime() <= now || session.expiresAt.getTime() <= now)) {
    return failClaim(tx, session, claim, "timeout", maxPopFailures);
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

/** Records that the device is polling now (a device counts as online for ONLINE_WINDOW after). */
export async function touchPoll(db: Db, sid: string): Promise<void> {
  await db.update(provisioningSessions).set({ lastPollAt: sql`now()` }).where(eq(provisioningSessions.sid, sid));
}
