import { and, desc, eq, gt, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { randomToken, sha256Hex } from "../crypto/tokens";
import { newId } from "../ids";
import type { Db } from "../db/client";
import { authSessions, users, type AuthSession, type User } from "../db/schema";
import { AppError } from "../errors/app-error";

// Server-side sessions: the cookie holds a random token, the database only its SHA-256. A
// session ends when revoked, expired, or its account is disabled, on the very next request.

const TOUCH_INTERVAL_MS = 60_000;

export type SessionView = Pick<AuthSession, "id" | "ip" | "userAgent" | "createdAt" | "lastSeenAt" | "expiresAt">;

export async function createSession(
  db: Db,
  input: { userId: string; ip: string | null; userAgent: string | null; days: number },
): Promise<{ id: string; token: string }> {
  const token = randomToken(32);
  const id = newId("ses");
  await db.insert(authSessions).values({
    id,
    tokenHash: sha256Hex(token),
    userId: input.userId,
    ip: input.ip,
    userAgent: input.userAgent?.slice(0, 400) ?? null,
    expiresAt: new Date(Date.now() + input.days * 86_400_000),
  });
  return { id, token };
}

/** The live session and account for a cookie token, or null; records activity at most once a minute. */
export async function resolveSession(db: Db, token: string): Promise<{ session: AuthSession; user: User } | null> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return null;
  const [row] = await db
    .select({ session: authSessions, user: users })
    .from(authSessions)
    .innerJoin(users, eq(users.id, authSessions.userId))
    .where(eq(authSessions.tokenHash, sha256Hex(token)));
  if (!row) return null;
  const now = Date.now();
  if (row.session.revokedAt || row.session.expiresAt.getTime() <= now || row.user.disabledAt) return null;
  if (now - row.session.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db
      .update(authSessions)
      .set({ lastSeenAt: new Date(now) })
      .where(eq(authSessions.id, row.session.id));
  }
  return row;
}

export async function listActiveSessions(db: Db, userId: string): Promise<SessionView[]> {
  return db
    .select({
      id: authSessions.id,
      ip: authSessions.ip,
      userAgent: authSessions.userAgent,
      createdAt: authSessions.createdAt,
      lastSeenAt: authSessions.lastSeenAt,
      expiresAt: authSessions.expiresAt,
    })
    .from(authSessions)
    .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt), gt(authSessions.expiresAt, new Date())))
    .orderBy(desc(authSessions.lastSeenAt));
}

/** Ends one of `userId`'s sessions; another account's session id answers not_found. */
export async function revokeSession(db: Db, actor: Actor, userId: string, sessionId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const ended = await tx
      .update(authSessions)
      .set({ revokedAt: new Date(), revokedReason: actor.id === userId ? "ended_by_user" : "ended_by_staff" })
      .where(and(eq(authSessions.id, sessionId), eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    if (ended.length === 0) throw new AppError("not_found", "No such active session.");
    await recordAudit(tx, actor, {
      action: "session.revoked",
      outcome: "success",
      subjectUserId: userId,
      detail: { sessionId },
    });
  });
}

/** Ends every session of an account ("sign out everywhere"); returns how many were live. */
export async function revokeAllSessions(db: Db, actor: Actor, userId: string, subjectLabel?: string): Promise<number> {
  return db.transaction(async (tx) => {
    const ended = await tx
      .update(authSessions)
      .set({ revokedAt: new Date(), revokedReason: actor.id === userId ? "signed_out_everywhere" : "ended_by_staff" })
      .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
      .returning({ id: authSessions.id });
    await recordAudit(tx, actor, {
      action: "sessions.revoked_all",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: subjectLabel ?? null,
      detail: { sessionsEnded: ended.length },
    });
    return ended.length;
  });
}

/** Ends the session behind a cookie token at sign-out. */
export async function endSessionByToken(db: Db, token: string): Promise<void> {
  if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return;
  await db
    .update(authSessions)
    .set({ revokedAt: new Date(), revokedReason: "signed_out" })
    .where(and(eq(authSessions.tokenHash, sha256Hex(token)), isNull(authSessions.revokedAt)));
}
