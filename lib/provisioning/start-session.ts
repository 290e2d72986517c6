import { randomBytes } from "node:crypto";
import { recordAudit, type Actor } from "../audit/record";
import { base32Encode } from "../crypto/base32";
import { randomToken, sha256Hex } from "../crypto/tokens";
import type { Db } from "../db/client";
import { provisioningSessions } from "../db/schema";
import { AppError } from "../errors/app-error";
import { toRfc3339 } from "../format";
import { checkModelPolicy } from "../models/registry";
import { addressBucket } from "../rate-limit/address";
import { countHit } from "../rate-limit";
import type { ProvisioningConfig } from "./config";
import type { StartSessionInput } from "./schemas";

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
 * Starts a provisioning session (docs/protocol.md section 1). Starts are limited per address; a
 * signed one binds the session to the signing device. Only the token's SHA-256 is stored. Under
 * the registry model policy an unknown model or a disallowed firmware is refused.
 */
export async function startSession(
  db: Db,
  cfg: ProvisioningConfig,
  data: StartSessionInput,
  ctx: { ip: string | null; signer?: SigningDevice },
): Promise<StartedSession> {
  const actor: Actor = { id: null, label: ctx.signer ? ctx.signer.deviceId : "device", ip: ctx.ip };
  const limit = await countHit(db, `session-start:ip:${addressBucket(ctx.ip)}`, {
    max: cfg.sessionStartsPerMinute,
    windowSeconds: 60,
  });
  if (limit.count > cfg.sessionStartsPerMinute) {
    throw new AppError(
      "rate_limited",
      `Too many provisioning sessions from this address. Retry in ${limit.retryAfterSeconds} s.`,
      { retryAfterSeconds: limit.retryAfterSeconds },
    );
  }
  await checkModelPolicy(db, data.model, data.firmware);
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
