import { and, asc, eq, ilike, isNull, or } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { hashPassword } from "../auth/password";
import { newId } from "../ids";
import type { Db } from "../db/client";
import { authSessions, users, type User } from "../db/schema";
import { AppError } from "../errors/app-error";
import type { NewUser, Role } from "./schemas";
import { isUniqueViolation } from "../errors/validate";
import { containsPattern } from "../db/search";

/** An account as staff see it; `twoFactor`: whether it signs in with a second factor (never the secret). */
export type PublicUser = Pick<User, "id" | "email" | "name" | "role" | "disabledAt" | "createdAt"> & {
  twoFactor: boolean;
};

export function toPublicUser(u: User): PublicUser {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    disabledAt: u.disabledAt,
    createdAt: u.createdAt,
    twoFactor: u.totpEnabledAt !== null,
  };
}

/** Creates an account; throws `email_taken` or `invalid_request`. Audited as account.created. */
export async function createUser(db: Db, actor: Actor, data: NewUser): Promise<PublicUser> {
  const passwordHash = await hashPassword(data.password);
  try {
    return await db.transaction(async (tx) => {
      const [user] = await tx
        .insert(users)
        .values({ id: newId("usr"), email: data.email, name: data.name, role: data.role, passwordHash })
        .returning();
      await recordAudit(tx, actor, {
        action: "account.created",
        outcome: "success",
        subjectUserId: user.id,
        subjectLabel: user.email,
        detail: { role: user.role },
      });
      return toPublicUser(user);
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("email_taken", `An account with the email ${data.email} already exists.`);
    throw err;
  }
}

export async function findUserByEmail(db: Db, email: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(eq(users.email, email.trim().toLowerCase()));
  return u ?? null;
}

export async function getUser(db: Db, id: string): Promise<User | null> {
  const [u] = await db.select().from(users).where(eq(users.id, id));
  return u ?? null;
}

/** Accounts by email, newest last; `q` matches part of the email or the name. */
export async function listUsers(db: Db, q?: string): Promise<PublicUser[]> {
  const pattern = containsPattern(q);
  const rows = await db
    .select()
    .from(users)
    .where(pattern ? or(ilike(users.email, pattern), ilike(users.name, pattern)) : undefined)
    .orderBy(asc(users.email))
    .limit(500);
  return rows.map(toPublicUser);
}

async function requireOther(db: Db, actor: Actor, userId: string): Promise<User> {
  const user = await getUser(db, userId);
  if (!user) throw new AppError("not_found", "No such account.");
  if (actor.id === user.id) throw new AppError("conflict", "You cannot change your own account this way.");
  return user;
}

/**
 * Disables or enables an account. Disabling ends every session of the account in the same
 * transaction, so its open pages are signed out on their next request.
 */
export async function setUserDisabled(db: Db, actor: Actor, userId: string, disabled: boolean): Promise<PublicUser> {
  const user = await requireOther(db, actor, userId);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ disabledAt: disabled ? (user.disabledAt ?? new Date()) : null, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    let sessionsEnded = 0;
    if (disabled) {
      const ended = await tx
        .update(authSessions)
        .set({ revokedAt: new Date(), revokedReason: "account_disabled" })
        .where(and(eq(authSessions.userId, userId), isNull(authSessions.revokedAt)))
        .returning({ id: authSessions.id });
      sessionsEnded = ended.length;
    }
    await recordAudit(tx, actor, {
      action: disabled ? "account.disabled" : "account.enabled",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: user.email,
      detail: disabled ? { sessionsEnded } : {},
    });
    return toPublicUser(updated);
  });
}

/** Changes an account's role (not one's own, so the last staff member cannot lock everyone out by accident). */
export async function setUserRole(db: Db, actor: Actor, userId: string, role: Role): Promise<PublicUser> {
  const user = await requireOther(db, actor, userId);
  return db.transaction(async (tx) => {
    const [updated] = await tx
      .update(users)
      .set({ role, updatedAt: new Date() })
      .where(eq(users.id, userId))
      .returning();
    await recordAudit(tx, actor, {
      action: "account.role_changed",
      outcome: "success",
      subjectUserId: userId,
      subjectLabel: user.email,
      detail: { from: user.role, to: role },
    });
    return toPublicUser(updated);
  });
}
