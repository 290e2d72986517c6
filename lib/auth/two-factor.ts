import { canReadStaffData } from "./roles";
import { randomBytes } from "node:crypto";
import { and, eq, isNull, lt, ne, or } from "drizzle-orm";
import { generateSecret, generateURI, verify } from "otplib";
import { recordAudit, type Actor } from "../audit/record";
import { base32Encode } from "../crypto/base32";
import { open, seal } from "../crypto/seal";
import { sha256Hex } from "../crypto/tokens";
import type { Db } from "../db/client";
import { authSessions, recoveryCodes, users, type User } from "../db/schema";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { newId } from "../ids";
import { countSignInAttempt, settleSignInSuccess } from "./limits";
import { securityNoticeMail } from "../mail/messages";
import { sendMailQuietly } from "../mail/send";

// Two-factor sign-in with TOTP (RFC 6238: SHA-1, 6 digits, 30 s, what every authenticator app
// reads from an otpauth:// URI). The secret is sealed at rest like device secrets; a code is
// accepted within one step either side and never twice (the last accepted step is kept and
// moved forward by a conditional UPDATE). Ten single-use recovery codes, stored as SHA-256.

export const TOTP_ISSUER = "Claimlink";
export const RECOVERY_CODE_COUNT = 10;
const STEP_SECONDS = 30;

const sealingContext = (userId: string) => `totp:${userId}`;

function openSecret(user: Pick<User, "id">, sealed: string): string {
  return open(env().secretKey, sealed, sealingContext(user.id)).toString("utf8");
}

/** 80 random bits as XXXX-XXXX-XXXX-XXXX (base32): too many to guess, easy to type. */
function newRecoveryCode(): string {
  return base32Encode(randomBytes(10)).match(/.{4}/g)!.join("-");
}

const normaliseRecoveryCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, "");

export function isTwoFactorOn(user: Pick<User, "totpEnabledAt">): boolean {
  return user.totpEnabledAt !== null;
}

async function loadUser(db: Db, userId: string): Promise<User> {
  const [u] = await db.select().from(users).where(eq(users.id, userId));
  if (!u) throw new AppError("not_found", "No such account.");
  return u;
}

/** A code the person typed checked against a secret: the accepted time step, or null. */
async function checkTotp(secret: string, code: string, afterStep: number | null): Promise<number | null> {
  try {
    const r = await verify({
      secret,
      token: code,
      epochTolerance: STEP_SECONDS,
      ...(afterStep !== null ? { afterTimeStep: afterStep } : {}),
    });
    return r.valid ? (r as { timeStep: number }).timeStep : null;
  } catch {
    return null; // otplib throws on a malformed token: it is simply wrong
  }
}

/** Starts (or restarts) enrolment: a new secret waiting for its first code. Refused when already on. */
export async function startTwoFactorEnrolment(db: Db, userId: string): Promise<{ secret: string; uri: string }> {
  const user = await loadUser(db, userId);
  if (isTwoFactorOn(user)) throw new AppError("conflict", "Two-factor sign-in is already on.");
  const secret = generateSecret();
  await db
    .update(users)
    .set({ totpPendingSealed: seal(env().secretKey, Buffer.from(secret, "utf8"), sealingContext(user.id)) })
    .where(eq(users.id, user.id));
  return { secret, uri: generateURI({ issuer: TOTP_ISSUER, label: user.email, secret }) };
}

async function replaceRecoveryCodes(tx: Db, userId: string): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
  await tx
    .insert(recoveryCodes)
    .values(codes.map((c) => ({ id: newId("rcv"), userId, codeHash: sha256Hex(normaliseRecoveryCode(c)) })));
  return codes;
}

/**
 * Switches two-factor on once the first code from the app matches; returns the recovery codes,
 * shown this once. Every other session of the account ends (one opened with a stolen password
 * must not outlive the switch); `keepSessionId` is the session that switched it on.
 * Throws `invalid_request` for a wrong code, `conflict` with no enrolment.
 */
export async function confirmTwoFactorEnrolment(
  db: Db,
  actor: Actor,
  userId: string,
  code: string,
  keepSessionId: string | null = null,
): Promise<{ recoveryCodes: string[]; sessionsEnded: number }> {
  const user = await loadUser(db, userId);
  if (isTwoFactorOn(user)) throw new AppError("conflict", "Two-factor sign-in is already on.");
  if (!user.totpPendingSealed) throw new AppError("conflict", "Start the set-up first.");
  const step = await checkTotp(openSecret(user, user.totpPendingSealed), code.trim(), null);
  if (step === null)
    throw new AppError("invalid_request", "That code is not right. Enter the code your app shows now.");
  const codes = await db.transaction(async (tx) => {
    const [on] = await tx
      .update(users)
      .set({
        totpSecretSealed: user.totpPendingSealed,
        totpPendingSealed: null,
        totpEnabledAt: new Date(),
        totpLastStep: step,
        updatedAt: new Date(),
      })
      .where(and(eq(users.id, userId), isNull(users.totpEnabledAt)))
      .returning({ id: users.id });
    if (!on) throw new AppError("conflict", "Two-factor sign-in is already on.");
    const fresh = await replaceRecoveryCodes(tx, userId);
    const ended = await tx
      .update(authSessions)
      .set({ revokedAt: new Date(), revokedReason: "two_factor_enabled" })
      .where(
        and(
          eq(authSessions.userId, userId),
          isNull(authSessions.revokedAt),
          keepSessionId ? ne(authSessions.id, keepSessionId) : undefined,
        ),
      )
      .returning({ id: authSessions.id });
    await recordAudit(tx, actor, {
      action: "two_factor.enabled",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: user.email,
      detail: { sessionsEnded: ended.length },
    });
    return { fresh, sessionsEnded: ended.length };
  });
  await sendMailQuietly(securityNoticeMail(user, "two_factor_on"));
  return { recoveryCodes: codes.fresh, sessionsEnded: codes.sessionsEnded };
}

export type SecondFactor = "totp" | "recovery_code";

/**
 * Checks a second factor: a current TOTP code (never one already used) or an unused recovery
 * code, which is consumed. Returns what was used, or null. A used recovery code is audited.
 */
export async function checkSecondFactor(db: Db, user: User, input: string, actor: Actor): Promise<SecondFactor | null> {
  if (!user.totpSecretSealed) return null;
  const code = input.trim().replace(/\s/g, "");
  if (/^\d{6}$/.test(code)) {
    const step = await checkTotp(openSecret(user, user.totpSecretSealed), code, user.totpLastStep);
    if (step === null) return null;
    // Moving the step forward *is* the replay check: of two racing uses, one updates nothing.
    const [moved] = await db
      .update(users)
      .set({ totpLastStep: step })
      .where(and(eq(users.id, user.id), or(isNull(users.totpLastStep), lt(users.totpLastStep, step))))
      .returning({ id: users.id });
    return moved ? "totp" : null;
  }
  const normalised = normaliseRecoveryCode(code);
  if (!/^[A-Z2-7]{16}$/.test(normalised)) return null;
  const used = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(recoveryCodes)
      .set({ usedAt: new Date() })
      .where(
        and(
          eq(recoveryCodes.userId, user.id),
          eq(recoveryCodes.codeHash, sha256Hex(normalised)),
          isNull(recoveryCodes.usedAt),
        ),
      )
      .returning({ id: recoveryCodes.id });
    if (!row) return false;
    await recordAudit(tx, actor, {
      action: "two_factor.recovery_code_used",
      outcome: "success",
      subjectUserId: user.id,
      subjectLabel: user.email,
      detail: { recoveryCodeId: row.id },
    });
    return true;
  });
  if (!used) return null;
  await sendMailQuietly(securityNoticeMail(user, "recovery_code_used"));
  return "recovery_code";
}

/** How many unused recovery codes an account has left. */
export async function remainingRecoveryCodes(db: Db, userId: string): Promise<number> {
  const rows = await db
    .select({ id: recoveryCodes.id })
    .from(recoveryCodes)
    .where(and(eq(recoveryCodes.userId, userId), isNull(recoveryCodes.usedAt)));
  return rows.length;
}

/**
 * A current code for an action of the signed-in account (new recovery codes, switching off).
 * Each try counts like a sign-in attempt (lib/auth/limits.ts) before the code is checked, so a
 * session cannot guess codes without limit: past the limit, `rate_limited` (429).
 */
async function requireCode(db: Db, actor: Actor, userId: string, code: string): Promise<User> {
  const user = await loadUser(db, userId);
  if (!isTwoFactorOn(user)) throw new AppError("conflict", "Two-factor sign-in is not on.");
  const attempt = await countSignInAttempt(db, user.email, actor.ip);
  if (!attempt.ok)
    throw new AppError("rate_limited", "Too many wrong codes. Try again later.", {
      retryAfterSeconds: attempt.retryAfterSeconds,
    });
  if (!(await checkSecondFactor(db, user, code, actor)))
    throw new AppError("invalid_request", "That code is not right. Enter the code your app shows now.");
  await settleSignInSuccess(db, user.email, actor.ip);
  return user;
}

/** New recovery codes (the old ones stop working); needs a current code. */
export async function regenerateRecoveryCodes(
  db: Db,
  actor: Actor,
  userId: string,
  code: string,
): Promise<{ recoveryCodes: string[] }> {
  const user = await requireCode(db, actor, userId, code);
  const codes = await db.transaction(async (tx) => {
    const fresh = await replaceRecoveryCodes(tx, userId);
    await recordAudit(tx, actor, {
      action: "two_factor.recovery_codes_regenerated",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: user.email,
    });
    return fresh;
  });
  return { recoveryCodes: codes };
}

async function clearTwoFactor(tx: Db, userId: string): Promise<void> {
  await tx
    .update(users)
    .set({
      totpSecretSealed: null,
      totpPendingSealed: null,
      totpEnabledAt: null,
      totpLastStep: null,
      updatedAt: new Date(),
    })
    .where(eq(users.id, userId));
  await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
}

/** The account holder switches two-factor off with a current code; staff may not while it is required. */
export async function disableTwoFactor(db: Db, actor: Actor, userId: string, code: string): Promise<void> {
  const before = await loadUser(db, userId);
  if (canReadStaffData(before.role) && env().staffTwoFactorRequired)
    throw new AppError("conflict", "Staff accounts must keep two-factor sign-in on.");
  const user = await requireCode(db, actor, userId, code);
  await db.transaction(async (tx) => {
    await clearTwoFactor(tx, userId);
    await recordAudit(tx, actor, {
      action: "two_factor.disabled",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: user.email,
    });
  });
  await sendMailQuietly(securityNoticeMail(user, "two_factor_off"));
}

/**
 * Staff reset another account's two-factor (a lost phone): it is switched off, the recovery
 * codes are void and every session of the account ends. Returns the sessions ended.
 */
export async function resetTwoFactor(db: Db, actor: Actor, userId: string): Promise<{ sessionsEnded: number }> {
  const user = await loadUser(db, userId);
  if (actor.id === user.id) throw new AppError("conflict", "You cannot reset your own two-factor sign-in.");
  const sessionsEnded = await db.transaction(async (tx) => {
    await clearTwoFactor(tx, userId);
    const ended = await tx
      .update(authSessions)
      .set({ revokedAt: new Date(), revokedReason: "two_factor_reset" })
      .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    await recordAudit(tx, actor, {
      action: "two_factor.reset",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: user.email,
      detail: { sessionsEnded: ended.length, wasOn: isTwoFactorOn(user) },
    });
    return ended.length;
  });
  await sendMailQuietly(securityNoticeMail(user, "two_factor_reset"));
  return { sessionsEnded };
}
