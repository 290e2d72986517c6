import { and, asc, eq, gt, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { countLinkAttempt, refundLinkAttempt } from "../auth/limits";
import { hashPassword } from "../auth/password";
import { randomToken, sha256Hex } from "../crypto/tokens";
import { newId } from "../ids";
import type { Db } from "../db/client";
import { enrolments, invitations, users, type Invitation } from "../db/schema";
import { requireOpenStudy } from "../studies/studies";
import { AppError } from "../errors/app-error";
import { isUniqueViolation } from "../errors/validate";
import { invitationTokenSchema, type AcceptInvitationInput, type InvitationInput } from "./schemas";
import { findUserByEmail, toPublicUser, type PublicUser } from "./users";

// An invitation is a single-use link, `<public url>/invite#<token>`: the token sits in the
// fragment so it never reaches a server log or a Referer. Only its SHA-256 is stored, so the
// link is shown once; staff can issue a fresh one, which voids the old.

export type PendingInvitation = Pick<
  Invitation,
  "id" | "email" | "name" | "role" | "studyId" | "locale" | "createdAt" | "expiresAt"
>;

/** The answer to any unusable link: it never says whether the email has an account. */
const UNUSABLE =
  "This invitation link is not valid: it may have expired or been used already. Ask whoever invited you for a new one.";

function invitationLink(publicUrl: string, token: string): string {
  return `${publicUrl}/invite#${token}`;
}

const pendingWhere = (now: Date) =>
  and(isNull(invitations.acceptedAt), isNull(invitations.revokedAt), gt(invitations.expiresAt, now));

/**
 * Creates an invitation (superseding a pending one for the same email); throws `email_taken`.
 * An invitation naming a study enrols the invitee in it as invited (`study_not_found`,
 * `study_closed` when it cannot recruit).
 */
export async function createInvitation(
  db: Db,
  actor: Actor,
  data: InvitationInput,
  opts: { days: number; publicUrl: string },
): Promise<{ invitation: PendingInvitation; link: string }> {
  if (await findUserByEmail(db, data.email)) {
    throw new AppError("email_taken", `An account with the email ${data.email} already exists.`);
  }
  const token = randomToken(32);
  const now = new Date();
  const invitation = await db.transaction(async (tx) => {
    if (data.studyId) await requireOpenStudy(tx, data.studyId);
    const superseded = await tx
      .update(invitations)
      .set({ revokedAt: now })
      .where(and(eq(invitations.email, data.email), pendingWhere(now)))
      .returning({ id: invitations.id });
    // A superseded invitation's study place goes with it (it was never accepted).
    for (const { id } of superseded)
      await tx.delete(enrolments).where(and(eq(enrolments.invitationId, id), isNull(enrolments.userId)));
    const [row] = await tx
      .insert(invitations)
      .values({
        id: newId("inv"),
        email: data.email,
        name: data.name,
        role: data.role,
        studyId: data.studyId ?? null,
        locale: data.locale ?? null,
        tokenHash: sha256Hex(token),
        createdBy: actor.id,
        expiresAt: new Date(now.getTime() + opts.days * 86_400_000),
      })
      .returning();
    await recordAudit(tx, actor, {
      action: "invitation.created",
      outcome: "success",
      subjectLabel: data.email,
      detail: { invitationId: row.id, role: data.role, ...(data.studyId ? { studyId: data.studyId } : {}) },
    });
    if (data.studyId)
      await tx
        .insert(enrolments)
        .values({ id: newId("enr"), studyId: data.studyId, invitationId: row.id, invitedAt: now });
    return row;
  });
  return { invitation: toPending(invitation), link: invitationLink(opts.publicUrl, token) };
}

/** A new link for a pending invitation, valid for a full period again; the old link stops working. */
export async function renewInvitation(
  db: Db,
  actor: Actor,
  invitationId: string,
  opts: { days: number; publicUrl: string },
): Promise<{ invitation: PendingInvitation; link: string }> {
  const token = randomToken(32);
  return db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ tokenHash: sha256Hex(token), expiresAt: new Date(Date.now() + opts.days * 86_400_000) })
      .where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!row) throw new AppError("not_found", "No such pending invitation.");
    await recordAudit(tx, actor, {
      action: "invitation.renewed",
      outcome: "success",
      subjectLabel: row.email,
      detail: { invitationId },
    });
    return { invitation: toPending(row), link: invitationLink(opts.publicUrl, token) };
  });
}

export async function revokeInvitation(db: Db, actor: Actor, invitationId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx
      .update(invitations)
      .set({ revokedAt: new Date() })
      .where(and(eq(invitations.id, invitationId), isNull(invitations.acceptedAt), isNull(invitations.revokedAt)))
      .returning();
    if (!row) throw new AppError("not_found", "No such pending invitation.");
    await tx.delete(enrolments).where(and(eq(enrolments.invitationId, row.id), isNull(enrolments.userId)));
    await recordAudit(tx, actor, {
      action: "invitation.revoked",
      outcome: "success",
      subjectLabel: row.email,
      detail: { invitationId },
    });
  });
}

export async function listPendingInvitations(db: Db): Promise<PendingInvitation[]> {
  const rows = await db.select().from(invitations).where(pendingWhere(new Date())).orderBy(asc(invitations.email));
  return rows.map(toPending);
}

/**
 * The pending invitation of a token. Each check counts against the caller's address first
 * (`rate_limited` past the limit); a valid token gives its attempt back. `not_found` otherwise.
 */
async function findPendingInvitation(db: Db, token: unknown, ip: string | null): Promise<Invitation> {
  await countLinkAttempt(db, ip);
  const parsed = invitationTokenSchema.safeParse(token);
  if (!parsed.success) throw new AppError("not_found", UNUSABLE);
  const [row] = await db
    .select()
    .from(invitations)
    .where(and(eq(invitations.tokenHash, sha256Hex(parsed.data)), pendingWhere(new Date())));
  if (!row) throw new AppError("not_found", UNUSABLE);
  await refundLinkAttempt(db, ip);
  return row;
}

/** What the invitee sees before choosing a password; `not_found` for any unusable token. */
export async function lookupInvitation(
  db: Db,
  token: unknown,
  ip: string | null = null,
): Promise<{ email: string; name: string; expiresAt: Date; studyId: string | null }> {
  const row = await findPendingInvitation(db, token, ip);
  return { email: row.email, name: row.name, expiresAt: row.expiresAt, studyId: row.studyId };
}

/**
 * Creates the invitee's account with the password they chose. The token is checked before the
 * password is hashed (an unknown token costs no hash). Consuming the invitation is a
 * conditional UPDATE in the same transaction as the account, so a link works exactly once.
 * Refusals are audited by the route, through the capped refusal audit.
 */
export async function acceptInvitation(db: Db, data: AcceptInvitationInput, ip: string | null): Promise<PublicUser> {
  await findPendingInvitation(db, data.token, ip);
  const passwordHash = await hashPassword(data.password);
  try {
    return await db.transaction(async (tx) => {
      const now = new Date();
      const [inv] = await tx
        .update(invitations)
        .set({ acceptedAt: now })
        .where(and(eq(invitations.tokenHash, sha256Hex(data.token)), pendingWhere(now)))
        .returning();
      if (!inv) throw new AppError("not_found", UNUSABLE);
      const [user] = await tx
        .insert(users)
        .values({ id: newId("usr"), email: inv.email, name: inv.name, role: inv.role, passwordHash })
        .returning();
      await tx.update(invitations).set({ userId: user.id }).where(eq(invitations.id, inv.id));
      // The study the invitation named: the invitee is now in it as accepted (not yet consented).
      await tx
        .update(enrolments)
        .set({ userId: user.id, acceptedAt: now })
        .where(and(eq(enrolments.invitationId, inv.id), isNull(enrolments.userId)));
      await recordAudit(
        tx,
        { id: user.id, label: user.email, ip },
        {
          action: "invitation.accepted",
          outcome: "success",
          subjectUserId: user.id,
          subjectLabel: user.email,
          detail: { invitationId: inv.id, role: user.role, ...(inv.studyId ? { studyId: inv.studyId } : {}) },
        },
      );
      return toPublicUser(user);
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("not_found", UNUSABLE);
    throw err;
  }
}

function toPending(r: Invitation): PendingInvitation {
  return {
    id: r.id,
    email: r.email,
    name: r.name,
    role: r.role,
    studyId: r.studyId,
    locale: r.locale,
    createdAt: r.createdAt,
    expiresAt: r.expiresAt,
  };
}
