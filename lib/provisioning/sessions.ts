import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import { base32Encode } from "../crypto/base32";
import { randomToken, safeEqual, sha256Hex } from "../crypto/tokens";
import type { Database, Db } from "../db/client";
import { provisioningSessions, users, type ProvisioningSession } from "../db/schema";
import { AppError } from "../http/errors";
import { bearerToken, parseOrThrow } from "../http/validate";
import { countHit } from "../rate-limit";
import type { ProvisioningConfig } from "./config";
import { subscribe } from "./events";
import { startSessionSchema } from "./schemas";
import { settleSession, type SessionWithClaim } from "./state";

export type StartedSession = {
  sid: string;
  sessionToken: string;
  claimUrl: string;
  serverTime: number;
  step: number;
  expiresAt: string;
};

/** The device that signed a session start (section 5), when it did. */
export type SigningDevice = { deviceId: string; credentialId: string };

/**
 * Starts a provisioning session (section 1). Unsigned starts are limited per IP; a signed one
 * binds the session to the signing device. Only the token's SHA-256 is stored.
 */
export async function startSession(db: Db, cfg: ProvisioningConfig, input: unknown, ctx: { ip: string | null; signer?: SigningDevice }): Promise<StartedSession> {
  const data = parseOrThrow(startSessionSchema, input);
  const actor: Actor = { id: null, label: ctx.signer ? ctx.signer.deviceId : "device", ip: ctx.ip };
  const limit = await countHit(db, `session-start:ip:${ctx.ip ?? "unknown"}`, { max: cfg.sessionStartsPerMinute, windowSeconds: 60 });
  if (limit.count > cfg.sessionStartsPerMinute) {
    await recordRefusal(db, actor, `session-start:${ctx.ip}`, { action: "session.start_refused", detail: { code: "rate_limited" } });
    throw new AppError("rate_limited", `Too many provisioning sessions from this address. Retry in ${limit.retryAfterSeconds} s.`, { retryAfterSeconds: limit.retryAfterSeconds });
  }
  const sid = base32Encode(randomBytes(16));
  const sessionToken = randomToken(32);
  const now = new Date();
  const expiresAt = new Date(now.getTime() + cfg.sessionTtlSeconds * 1000);
  await db.transaction(async (tx) => {
    await tx.insert(provisioningSessions).values({
      sid,
      tokenHash: sha256Hex(sessionToken),
      model: data.model,
      firmware: data.firmware,
      boundDeviceId: ctx.signer?.deviceId ?? null,
      boundCredentialId: ctx.signer?.credentialId ?? null,
      ip: ctx.ip,
      createdAt: now,
      expiresAt,
    });
    await recordAudit(tx, actor, {
      action: "session.started",
      outcome: "success",
      subjectDeviceId: ctx.signer?.deviceId ?? null,
      detail: { sid, model: data.model, firmware: data.firmware, signed: !!ctx.signer },
    });
  });
  return {
    sid,
    sessionToken,
    claimUrl: cfg.claimUrl,
    serverTime: Math.floor(now.getTime() / 1000),
    step: cfg.stepSeconds,
    expiresAt: toRfc3339(expiresAt),
  };
}

export function toRfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** Checks `Authorization: Bearer <sessionToken>` for a session: 404 for an unknown sid, 401 for a wrong token. */
export async function authenticateSession(db: Db, sid: string, authorization: string | null): Promise<ProvisioningSession> {
  const [session] = await db.select().from(provisioningSessions).where(eq(provisioningSessions.sid, sid));
  if (!session) throw new AppError("session_not_found", "No such provisioning session.");
  const token = bearerToken(authorization);
  if (!safeEqual(sha256Hex(token), session.tokenHash)) {
    await recordRefusal(db, { id: null, label: "device", ip: null }, `session-token:${sid}`, { action: "session.token_refused", detail: { sid } });
    throw new AppError("invalid_session_token", "The session token does not match this session.");
  }
  return session;
}

export type DeviceView =
  | { state: "waiting"; expiresAt: string }
  | { state: "challenge"; claimId: string; nonce: string; serverProof: string; account: { displayName: string }; expiresAt: string }
  | { state: "claimed"; deviceId: string; credentialId: string; name: string; bindMac: string }
  | { state: "expired" }
  | { state: "locked" };

async function deviceView(db: Db, { session, claim }: SessionWithClaim): Promise<DeviceView> {
  switch (session.state) {
    case "waiting":
      return { state: "waiting", expiresAt: toRfc3339(session.expiresAt) };
    case "challenge": {
      const [account] = await db.select({ name: users.name }).from(users).where(eq(users.id, claim!.userId));
      return {
        state: "challenge",
        claimId: claim!.id,
        nonce: claim!.nonce,
        serverProof: claim!.serverProof,
        account: { displayName: account?.name ?? "" },
        expiresAt: toRfc3339(claim!.expiresAt),
      };
    }
    case "claimed":
      return { state: "claimed", ...session.result! };
    default:
      return { state: session.state };
  }
}

async function readDeviceView(db: Db, cfg: ProvisioningConfig, sid: string): Promise<DeviceView> {
  const settled = await db.transaction((tx) => settleSession(tx, sid, cfg.maxPopFailures));
  if (!settled) throw new AppError("session_not_found", "No such provisioning session.");
  return deviceView(db, settled);
}

/**
 * Marks the device online and authenticates it in one statement: the common path of a poll.
 * (The lookup is by the token's SHA-256, which leaks nothing through timing.)
 */
async function authenticatePoll(db: Db, sid: string, authorization: string | null): Promise<ProvisioningSession> {
  const token = bearerToken(authorization);
  const [session] = await db
    .update(provisioningSessions)
    .set({ lastPollAt: sql`now()` })
    .where(and(eq(provisioningSessions.sid, sid), eq(provisioningSessions.tokenHash, sha256Hex(token))))
    .returning();
  return session ?? authenticateSession(db, sid, authorization); // throws the right refusal
}

/**
 * The device's long poll: answers at once unless the session is waiting, else on the first
 * change (a NOTIFY from any app process) or when `waitSeconds` run out.
 */
export async function pollSession(
  database: Database,
  cfg: ProvisioningConfig,
  sid: string,
  authorization: string | null,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<DeviceView> {
  const { db } = database;
  const sub = await subscribe(database, `session:${sid}`);
  try {
    const session = await authenticatePoll(db, sid, authorization);
    const deadline = Math.min(Date.now() + waitSeconds * 1000, session.expiresAt.getTime() + 50);
    let view: DeviceView =
      session.state === "waiting" && session.expiresAt.getTime() > Date.now()
        ? { state: "waiting", expiresAt: toRfc3339(session.expiresAt) }
        : await readDeviceView(db, cfg, sid);
    while (view.state === "waiting" && Date.now() < deadline && !signal?.aborted) {
      if (await sub.next(deadline - Date.now(), signal)) {
        view = await readDeviceView(db, cfg, sid);
        continue;
      }
      // No notification: nothing changed (every change notifies). Mark the poll's end, and
      // settle only if a deadline passed meanwhile. One statement for a thousand idle devices.
      const [row] = await db
        .update(provisioningSessions)
        .set({ lastPollAt: sql`now()` })
        .where(eq(provisioningSessions.sid, sid))
        .returning({ state: provisioningSessions.state, expiresAt: provisioningSessions.expiresAt });
      view = row?.state === "waiting" && row.expiresAt.getTime() > Date.now() ? { state: "waiting", expiresAt: toRfc3339(row.expiresAt) } : await readDeviceView(db, cfg, sid);
      break;
    }
    return view;
  } finally {
    sub.close();
  }
}
