import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import { serverProof } from "../crypto/protocol";
import { seal } from "../crypto/seal";
import { newId } from "../crypto/tokens";
import type { Database, Db } from "../db/client";
import { claims, devices, provisioningSessions, type Claim } from "../db/schema";
import { AppError } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { countHit } from "../rate-limit";
import type { ProvisioningConfig } from "./config";
import { notifyTopic, subscribe } from "./events";
import { claimRequestSchema } from "./schemas";
import { settleSession } from "./state";
import { planTarget } from "./target";

export type ClaimView = {
  claimId: string;
  state: "waiting_for_device" | "claimed" | "failed";
  expiresAt: string;
  deviceId?: string;
  deviceName?: string;
  reason?: "pop_mismatch" | "user_declined" | "timeout";
};

/**
 * A signed-in user claims the device showing `sid` and `pop` (section 2). Creates the
 * challenge the device will see on its next poll; no device record is written here. Refusals
 * are audited and change nothing.
 */
export async function createClaim(db: Db, cfg: ProvisioningConfig, actor: Actor & { id: string }, input: unknown): Promise<ClaimView> {
  try {
    const data = parseOrThrow(claimRequestSchema, input);
    const limit = await countHit(db, `claims:user:${actor.id}`, { max: cfg.claimsPerHour, windowSeconds: 3600 });
    if (limit.count > cfg.claimsPerHour) {
      const minutes = Math.ceil(limit.retryAfterSeconds / 60);
      throw new AppError("rate_limited", `Too many claim attempts. Try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, { retryAfterSeconds: limit.retryAfterSeconds });
    }
    return await db.transaction(async (tx) => {
      const settled = await settleSession(tx, data.sid, cfg.maxPopFailures);
      if (!settled || settled.session.state === "expired") throw new AppError("session_not_found", "This code is not valid any more. Scan the code on the device's screen again.");
      const { session } = settled;
      if (session.state === "locked") throw new AppError("session_locked", "Too many wrong codes were tried for this device. Restart the device to get a new code.");
      if (session.state === "claimed") throw new AppError("session_claimed", "This device has just been claimed.");
      if (session.state === "challenge") throw new AppError("claim_in_progress", "Someone is claiming this device right now. Try again in a minute.");
      if (!session.lastPollAt || Date.now() - session.lastPollAt.getTime() > cfg.onlineWindowSeconds * 1000) {
        throw new AppError("device_offline", "The device is not connected. Is it switched on and online?");
      }
      await planTarget(tx, session, actor.id, data.replaces ?? null, cfg.devicesPerAccount);

      const id = newId("clm");
      const nonce = randomBytes(32).toString("base64url");
      const expiresAt = new Date(Math.min(Date.now() + cfg.claimTimeoutSeconds * 1000, session.expiresAt.getTime()));
      const [claim] = await tx
        .insert(claims)
        .values({
          id,
          sid: session.sid,
          userId: actor.id,
          popSealed: seal(cfg.secretKey, Buffer.from(data.pop, "ascii"), id),
          nonce,
          serverProof: serverProof(data.pop, session.sid, id, nonce),
          replacesDeviceId: data.replaces ?? null,
          expiresAt,
        })
        .returning();
      await tx.update(provisioningSessions).set({ state: "challenge", currentClaimId: id }).where(eq(provisioningSessions.sid, session.sid));
      await recordAudit(tx, actor, {
        action: "claim.created",
        outcome: "success",
        subjectUserId: actor.id,
        subjectDeviceId: session.boundDeviceId ?? data.replaces ?? null,
        detail: { sid: session.sid, claimId: id, replaces: data.replaces ?? null },
      });
      await notifyTopic(tx, `session:${session.sid}`);
      return claimView(claim, null);
    });
  } catch (err) {
    if (err instanceof AppError) {
      await recordRefusal(db, actor, `claim:${actor.id}:${err.code}`, {
        action: "claim.refused",
        subjectUserId: actor.id,
        detail: { sid: typeof (input as { sid?: unknown })?.sid === "string" ? String((input as { sid: string }).sid).slice(0, 64) : null, code: err.code },
      });
    }
    throw err;
  }
}

function claimView(c: Claim, deviceName: string | null): ClaimView {
  return {
    claimId: c.id,
    state: c.state,
    expiresAt: c.expiresAt.toISOString(),
    ...(c.deviceId ? { deviceId: c.deviceId } : {}),
    ...(deviceName ? { deviceName } : {}),
    ...(c.reason ? { reason: c.reason } : {}),
  };
}

/** The claim as its user sees it; another user's claim (or an unknown id) is `claim_not_found`. */
export async function readClaim(db: Db, cfg: ProvisioningConfig, userId: string, claimId: string): Promise<ClaimView> {
  const [c] = await db.select().from(claims).where(and(eq(claims.id, claimId), eq(claims.userId, userId)));
  if (!c) throw new AppError("claim_not_found", "No such claim.");
  if (c.state === "waiting_for_device" && c.expiresAt.getTime() <= Date.now()) {
    await db.transaction((tx) => settleSession(tx, c.sid, cfg.maxPopFailures));
  }
  const [fresh] = await db.select().from(claims).where(eq(claims.id, claimId));
  const name = fresh.deviceId ? (await db.select({ name: devices.name }).from(devices).where(eq(devices.id, fresh.deviceId)))[0]?.name : null;
  return claimView(fresh, name ?? null);
}

/** Long poll for the user: returns when the claim ends or `waitSeconds` run out. */
export async function waitForClaim(database: Database, cfg: ProvisioningConfig, userId: string, claimId: string, waitSeconds: number, signal?: AbortSignal): Promise<ClaimView> {
  const sub = await subscribe(database, `claim:${claimId}`);
  try {
    const deadline = Date.now() + waitSeconds * 1000;
    let view = await readClaim(database.db, cfg, userId, claimId);
    while (view.state === "waiting_for_device" && Date.now() < deadline && !signal?.aborted) {
      // Wake at the claim's own deadline too, to report the timeout without a database poll loop.
      const until = Math.min(deadline, Date.parse(view.expiresAt) + 20);
      await sub.next(until - Date.now(), signal);
      view = await readClaim(database.db, cfg, userId, claimId);
    }
    return view;
  } finally {
    sub.close();
  }
}
