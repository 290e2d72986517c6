import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { serverProof } from "../crypto/protocol";
import { seal } from "../crypto/seal";
import { newId } from "../ids";
import type { Db } from "../db/client";
import { claims, provisioningSessions, type Claim, type ProvisioningSession } from "../db/schema";
import { AppError } from "../errors/app-error";
import { tryAgainIn } from "../format";
import { countHit } from "../rate-limit";
import type { ProvisioningConfig } from "./config";
import { notifyTopic } from "./events";
import { lockAndCountOwned, planTarget } from "./claim-target";
import { claimEnrolments, decideClaimStudy } from "./claim-study";
import type { ClaimRequest } from "./schemas";
import { claimantPopFailures, settleSession } from "./settle-claim";

export type ClaimView = {
  claimId: string;
  state: "waiting_for_device" | "claimed" | "failed";
  expiresAt: string;
  deviceId?: string;
  deviceName?: string;
  /** What the device reported when it started its session, so the person can tell it is the one in front of them. */
  model: string;
  firmware: string;
  reason?: "pop_mismatch" | "user_declined" | "timeout";
};

/**
 * What a signed-in person is shown before claiming: the model and firmware the device showing
 * `sid` reported. Nothing about any account (no names) is revealed; an unknown or ended
 * session is `session_not_found`.
 */
export async function previewClaim(db: Db, cfg: ProvisioningConfig, sid: string) {
  const settled = await db.transaction((tx) => settleSession(tx, sid, cfg));
  if (!settled || settled.session.state === "expired" || settled.session.state === "claimed")
    throw new AppError(
      "session_not_found",
      "This code is not valid any more. Scan the code on the device's screen again.",
    );
  return { model: settled.session.model, firmware: settled.session.firmware };
}

/**
 * A signed-in user claims the device showing `sid` and `pop` (section 2). Creates the
 * challenge the device will see on its next poll; no device record is written here. A refusal
 * changes nothing (the route audits it).
 */
export async function createClaim(
  db: Db,
  cfg: ProvisioningConfig,
  actor: Actor & { id: string },
  data: ClaimRequest,
): Promise<ClaimView> {
  // Counted before the transaction, so a refused attempt counts too. Never while it is open: a
  // claim holding a pooled connection must not wait for another, or as many claims at once as
  // the pool has connections would each wait for a count no connection is left to run.
  const limit = await countHit(db, `claims:user:${actor.id}`, { max: cfg.claimsPerHour, windowSeconds: 3600 });
  if (limit.count > cfg.claimsPerHour) {
    throw new AppError("rate_limited", `Too many claim attempts. ${tryAgainIn(limit.retryAfterSeconds)}`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  }
  return await db.transaction(async (tx) => {
    // Sent together (pipelined, run in this order): the session under its lock, this account's
    // wrong codes on it (counted once the lock is granted, so an answer being decided is seen),
    // and, for a claim that may make a new record, the owner's row lock and device count
    // (planTarget). One round trip instead of three.
    const [settled, ownFailures, owned, enrolled] = await Promise.all([
      settleSession(tx, data.sid, cfg),
      claimantPopFailures(tx, data.sid, actor.id),
      data.replaces ? undefined : lockAndCountOwned(tx, actor.id),
      // The claimant's studies (docs/studies.md), in the same round trip.
      claimEnrolments(tx, actor.id),
    ]);
    if (!settled || settled.session.state === "expired")
      throw new AppError(
        "session_not_found",
        "This code is not valid any more. Scan the code on the device's screen again.",
      );
    const { session } = settled;
    if (session.state === "locked")
      throw new AppError(
        "session_locked",
        "Too many wrong codes were tried for this device. Restart the device to get a new code.",
      );
    // (1.1) Wrong codes lock out the account that sent them, not the device's owner: someone
    // with an old photo of the QR locks only themselves (docs/protocol.md section 2).
    if (ownFailures >= cfg.maxPopFailures)
      throw new AppError(
        "session_locked",
        "Too many wrong codes were tried from your account for this device. Restart the device to get a new code.",
      );
    if (session.state === "claimed") throw new AppError("session_claimed", "This device has just been claimed.");
    if (session.state === "challenge")
      throw new AppError("claim_in_progress", "Someone is claiming this device right now. Try again in a minute.");
    if (!session.lastPollAt || Date.now() - session.lastPollAt.getTime() > cfg.onlineWindowSeconds * 1000) {
      throw new AppError("device_offline", "The device is not connected. Is it switched on and online?");
    }
    const target = await planTarget(tx, session, actor.id, data.replaces ?? null, cfg.devicesPerAccount, owned);
    const studyId = await decideClaimStudy(
      tx,
      enrolled,
      session.model,
      data.study,
      target.kind === "new" ? null : target.device.studyId,
    );

    const id = newId("clm");
    const nonce = randomBytes(32).toString("base64url");
    const expiresAt = new Date(Math.min(Date.now() + cfg.claimTimeoutSeconds * 1000, session.expiresAt.getTime()));
    // Sent together (pipelined on the transaction's connection, run in this order): one round
    // trip instead of four, which a claim feels when the app is busy with thousands of polls.
    const [[claim]] = await Promise.all([
      tx
        .insert(claims)
        .values({
          id,
          sid: session.sid,
          userId: actor.id,
          popSealed: seal(cfg.secretKey, Buffer.from(data.pop, "ascii"), id),
          nonce,
          serverProof: serverProof(data.pop, session.sid, id, nonce),
          replacesDeviceId: data.replaces ?? null,
          studyId,
          expiresAt,
        })
        .returning(),
      tx
        .update(provisioningSessions)
        .set({ state: "challenge", currentClaimId: id })
        .where(eq(provisioningSessions.sid, session.sid)),
      recordAudit(tx, actor, {
        action: "claim.created",
        outcome: "success",
        subjectUserId: actor.id,
        subjectDeviceId: session.boundDeviceId ?? data.replaces ?? null,
        detail: { sid: session.sid, claimId: id, replaces: data.replaces ?? null, ...(studyId ? { studyId } : {}) },
      }),
      notifyTopic(tx, `session:${session.sid}`),
    ]);
    return claimView(claim, null, session);
  });
}

export function claimView(
  c: Claim,
  deviceName: string | null,
  session: Pick<ProvisioningSession, "model" | "firmware">,
): ClaimView {
  return {
    claimId: c.id,
    state: c.state,
    expiresAt: c.expiresAt.toISOString(),
    model: session.model,
    firmware: session.firmware,
    ...(c.deviceId ? { deviceId: c.deviceId } : {}),
    ...(deviceName ? { deviceName } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
  };
}
