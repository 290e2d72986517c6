import { and, eq, gt, isNull, ne } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { countLinkAttempt, countSignInAttempt, refundLinkAttempt, settleSignInSuccess } from "../auth/limits";
import { hashPassword, verifyPassword } from "../auth/password";
import { randomToken, sha256Hex } from "../crypto/tokens";
import type { Db } from "../db/client";
import { authSessions, passwordResets, users, type User } from "../db/schema";
import { AppError } from "../errors/app-error";
import { newId } from "../ids";
import { securityNoticeMail } from "../mail/messages";
import { sendMailQuietly } from "../mail/send";
import { resetTokenSchema } from "./schemas";
import { getUser } from "./users";

// Passwords after sign-up: changing one's own (current password required, other sessions end)
// and reset links (`<public url>/reset-password#<token>`, single use, one hour, only the
// token's SHA-256 stored), issued by staff or asked for from the sign-in page by mail.

export const RESET_TTL_SECONDS = 3600;
const UNUSABLE = "This password-reset link is not valid: it may have expired or been used already. Ask for a new one.";

export function resetLink(publicUrl: string, token: string): string {
  return `${publicUrl}/reset-password#${token}`;
}

/** Changes one's own password; the other sessions end. Wrong current passwords count like sign-in failures. */
export async function changePassword(
  db: Db,
  actor: Actor,
  me: { id: string; sessionId: string },
  current: string,
  next: string,
): Promise<{ sessionsEnded: number }> {
  const user = await getUser(db, me.id);
  if (!user) throw new AppError("not_found", "No such account.");
  const attempt = await countSignInAttempt(db, user.email, actor.ip);
  if (!attempt.ok)
    throw new AppError("rate_limited", "Too many wrong passwords. Try again later.", {
      retryAfterSeconds: attempt.retryAfterSeconds,
    });
  if (!(await verifyPassword(user.passwordHash, current)))
    throw new AppError("invalid_request", "Your current password is not right.", {
      errors: [{ path: "current", message: "is not right" }],
    });
  await settleSignInSuccess(db, user.email, actor.ip);
  const passwordHash = await hashPassword(next);
  const sessionsEnded = await db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    const ended = await tx
      .update(authSessions)
      .set({ revokedAt: new Date(), revokedReason: "password_changed" })
      .where(and(eq(authSessions.userId, user.id), ne(authSessions.id, me.sessionId), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    await recordAudit(tx, actor, {
      action: "password.changed",
      outcome: "success",
      subjectUserId: user.id,
      subjectLabel: user.email,
      detail: { sessionsEnded: ended.length },
    });
    return ended.length;
  });
  await sendMailQuietly(securityNoticeMail(user, "password_changed"));
  return { sessionsEnded };
}

/** Changes one's own display name. */
export async function changeDisplayName(db: Db, actor: Actor, userId: string, name: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, userId));
    if (!before) throw new AppError("not_found", "No such account.");
    await tx.update(users).set({ name, updatedAt: new Date() }).where(eq(users.id, userId));
    await recordAudit(tx, actor, {
      action: "account.renamed",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: before.email,
      detail: { from: before.name, to: name },
    });
  });
}

/** A new reset link for an account (earlier unused links stop working). */
export async function createPasswordReset(
  db: Db,
  actor: Actor,
  user: User,
  publicUrl: string,
): Promise<{ link: string; expiresAt: Date }> {
  const token = randomToken(32);
  const expiresAt = new Date(Date.now() + RESET_TTL_SECONDS * 1000);
  await db.transaction(async (tx) => {
    await tx
      .update(passwordResets)
      .set({ revokedAt: new Date() })
      .where(and(eq(passwordResets.userId, user.id), isNull(passwordResets.usedAt), isNull(passwordResets.revokedAt)));
    const id = newId("pwr");
    await tx
      .insert(passwordResets)
      .values({ id, userId: user.id, tokenHash: sha256Hex(token), createdBy: actor.id, expiresAt });
    await recordAudit(tx, actor, {
      action: "password_reset.created",
      outcome: "success",
      subjectUserId: user.id,
      subjectLabel: user.email,
      detail: { passwordResetId: id },
    });
  });
  return { link: resetLink(publicUrl, token), expiresAt };
}

const pending = (now: Date) =>
  and(isNull(passwordResets.usedAt), isNull(passwordResets.revokedAt), gt(passwordResets.expiresAt, now));

async function findPending(db: Db, token: unknown, ip: string | null): Promise<{ resetId: string; user: User }> {
  const parsed = resetTokenSchema.safeParse(token);
  await countLinkAttempt(db, ip);
  if (!parsed.success) throw new AppError("not_found", UNUSABLE);
  const [row] = await db
    .select({ reset: passwordResets, user: users })
    .from(passwordResets)
    .innerJoin(users, eq(users.id, passwordResets.userId))
    .where(and(eq(passwordResets.tokenHash, sha256Hex(parsed.data)), pending(new Date())));
  if (!row || row.user.disabledAt) throw new AppError("not_found", UNUSABLE);
  await refundLinkAttempt(db, ip);
  return { resetId: row.reset.id, user: row.user };
}

/** What the reset page shows before the new password is chosen; `not_found` for any unusable link. */
export async function lookupPasswordReset(db: Db, token: unknown, ip: string | null): Promise<{ email: string }> {
  const { user } = await findPending(db, token, ip);
  return { email: user.email };
}

/**
 * Sets a new password through a reset link. The token is checked before the password is
 * hashed; consuming the link is a conditional UPDATE, so it works once. Every session ends.
 */
export async function acceptPasswordReset(
  db: Db,
  data: { token: string; password: string },
  ip: string | null,
): Promise<{ email: string }> {
  const { resetId, user } = await findPending(db, data.token, ip);
  const passwordHash = await hashPassword(data.password);
  await db.transaction(async (tx) => {
    const [used] = await tx
      .update(passwordResets)
      .set({ usedAt: new Date() })
      .where(and(eq(passwordResets.id, resetId), pending(new Date())))
      .returning({ id: passwordResets.id });
    if (!used) throw new AppError("not_found", UNUSABLE);
    await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
    await tx
      .update(authSessions)
      .set({ revokedAt: new Date(), revokedReason: "password_reset" })
      .where(and(eq(authSessions.userId, user.id), isNull(authSessions.revokedAt)));
    await recordAudit(
      tx,
      { id: user.id, label: user.email, ip },
      {
        action: "password_reset.used",
        outcome: "success",
        subjectUserId: user.id,
        subjectLabel: user.email,
        detail: { passwordResetId: resetId },
      },
    );
  });
  await sendMailQuietly(securityNoticeMail(user, "password_reset"));
  return { email: user.email };
}
