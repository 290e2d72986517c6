import { and, asc, count, eq, inArray, isNull, like, ne, or, sql } from "drizzle-orm";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import {
  apiTokens,
  auditEvents,
  authSessions,
  deviceShares,
  devices,
  enrolments,
  erasures,
  invitations,
  passwordResets,
  rateLimits,
  recoveryCodes,
  signinTickets,
  users,
} from "../db/schema";
import { revokeDeviceCredentials } from "../devices/credentials";
import { AppError } from "../errors/app-error";
import { newId, notFound } from "../ids";
import { withdrawEnrolment } from "../studies/withdraw";

// "Delete my account" (the right to erasure), by the person or by staff on their request with a
// reason (docs/studies.md "Deleting an account"). One transaction: every study is left under its
// own data policy (what the consent said), every other device is released and queued for
// erasure, sessions end, second factors and links are voided, and the email and name in the
// account row, in invitations and in the audit log's labels are replaced, so the audit log keeps
// only a pseudonymous actor (its ids) and no address of theirs. The erasures run afterwards
// (lib/studies/erasure.ts), resumed by housekeeping if interrupted.

/**
 * When the account is staff, locks every staff account (in id order, so two deletions cannot
 * deadlock) before the account itself: two staff deleting each other at once cannot leave none.
 */
async function lockStaffIfStaff(tx: Db, userId: string): Promise<void> {
  const [peek] = await tx.select({ role: users.role }).from(users).where(eq(users.id, userId));
  if (peek?.role !== "staff") return;
  await tx
    .select({ id: users.id })
    .from(users)
    .where(and(eq(users.role, "staff"), isNull(users.deletedAt)))
    .orderBy(asc(users.id))
    .for("update");
}

/** Staff accounts other than `userId` that can sign in (not disabled, not deleted). */
async function activeStaffBesides(tx: Db, userId: string): Promise<number> {
  const [{ n }] = await tx
    .select({ n: count() })
    .from(users)
    .where(and(eq(users.role, "staff"), isNull(users.deletedAt), isNull(users.disabledAt), ne(users.id, userId)));
  return Number(n);
}

/** What stands in for a deleted person's email and name. */
export const DELETED_LABEL = "deleted account";

export type AccountDeletion = { userId: string; erasureIds: string[]; studiesLeft: number; devicesReleased: number };

/**
 * Deletes `userId`'s account. Staff acting for someone else must give `reason`. `not_found` for an
 * unknown or already deleted account; `conflict` for one's own account on request (with a
 * reason) and for the last staff account that can sign in. Every step is audited; the events
 * that named the person are relabelled.
 */
export async function deleteAccount(
  db: Db,
  actor: Actor,
  userId: string,
  opts: { reason?: string } = {},
): Promise<AccountDeletion> {
  const byStaff = actor.id !== userId;
  try {
    if (byStaff && !opts.reason)
      throw new AppError("invalid_request", "Say why the account is deleted (their request).");
    // Staff deleting on request act for someone else: their own account is deleted from
    // /account, where the password confirms it.
    if (opts.reason !== undefined && actor.id === userId)
      throw new AppError(
        "conflict",
        "You cannot delete your own account on request; use “Delete my account” on /account.",
      );
    return await db.transaction(async (tx) => {
      await lockStaffIfStaff(tx, userId);
      const [user] = await tx.select().from(users).where(eq(users.id, userId)).for("update");
      if (!user || user.deletedAt) throw notFound("usr");
      if (user.role === "staff" && !user.disabledAt && (await activeStaffBesides(tx, userId)) === 0)
        throw new AppError(
          "conflict",
          "This is the last staff account that can sign in: make another account staff before deleting it.",
        );
      const now = new Date();
      const erasureIds: string[] = [];

      // Every study they are still in, under that study's policy.
      const active = await tx
        .select()
        .from(enrolments)
        .where(and(eq(enrolments.userId, userId), isNull(enrolments.withdrawnAt)))
        .for("update");
      for (const e of active) {
        const w = await withdrawEnrolment(
          tx,
          actor,
          { ...e, userId },
          { reason: "account_deleted", erasureReason: "account_deleted" },
        );
        if (w.erasureId) erasureIds.push(w.erasureId);
      }
      // Pending study places of an invitation never accepted are not theirs yet; nothing to do.

      // Every device of theirs still live (outside studies, or in a study without an active
      // enrolment of theirs) is revoked and released; the ones outside any study are erased with
      // their history. Devices of studies they left under `retain` stay as the consent said.
      const live = await tx
        .select({ id: devices.id })
        .from(devices)
        .where(and(eq(devices.ownerId, userId), isNull(devices.releasedAt)))
        .for("update");
      const liveIds = live.map((d) => d.id);
      for (const id of liveIds) await revokeDeviceCredentials(tx, actor, id, "account_deleted");
      if (liveIds.length) {
        await tx
          .update(deviceShares)
          .set({ endedAt: now, endedReason: "account_deleted" })
          .where(and(inArray(deviceShares.deviceId, liveIds), isNull(deviceShares.endedAt)));
        await tx.update(devices).set({ releasedAt: now }).where(inArray(devices.id, liveIds));
      }
      const outside = await tx
        .select({ id: devices.id })
        .from(devices)
        .where(and(eq(devices.ownerId, userId), isNull(devices.studyId)));
      const ids = outside.map((d) => d.id);
      if (ids.length) {
        const id = newId("ers");
        await tx.insert(erasures).values({
          id,
          studyId: null,
          userId,
          reason: "account_deleted",
          deviceIds: ids,
          requestedAt: now,
          requestedBy: actor.id,
        });
        erasureIds.push(id);
      }
      // What others shared with them.
      await tx
        .update(deviceShares)
        .set({ endedAt: now, endedReason: "account_deleted" })
        .where(and(eq(deviceShares.userId, userId), isNull(deviceShares.endedAt)));

      // Sessions (with their addresses and browsers), second factors, links.
      await tx.delete(authSessions).where(eq(authSessions.userId, userId));
      await tx.delete(signinTickets).where(eq(signinTickets.userId, userId));
      await tx.delete(recoveryCodes).where(eq(recoveryCodes.userId, userId));
      await tx.delete(passwordResets).where(eq(passwordResets.userId, userId));
      // API tokens: refused from now on (they would be anyway: the account is deleted).
      await tx
        .update(apiTokens)
        .set({ revokedAt: now })
        .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)));
      await tx
        .delete(rateLimits)
        .where(or(like(rateLimits.key, `%${user.email}%`), like(rateLimits.key, `%${userId}%`)));

      const label = `deleted:${userId.toLowerCase()}`;
      await tx
        .update(invitations)
        .set({ email: label, name: DELETED_LABEL, revokedAt: sql`coalesce(${invitations.revokedAt}, now())` })
        .where(or(eq(invitations.userId, userId), eq(invitations.email, user.email)));
      await tx
        .update(users)
        .set({
          email: label,
          name: DELETED_LABEL,
          passwordHash: "!deleted",
          totpSecretSealed: null,
          totpEnabledAt: null,
          totpLastStep: null,
          totpPendingSealed: null,
          noticesOff: [],
          disabledAt: user.disabledAt ?? now,
          deletedAt: now,
          updatedAt: now,
        })
        .where(eq(users.id, userId));

      // The audit log: labels and the person's own addresses, nothing else (migration 0012).
      await tx.execute(sql`set local claimlink.audit_redaction = 'on'`);
      await tx
        .update(auditEvents)
        .set({ actorLabel: DELETED_LABEL, ip: null })
        .where(or(eq(auditEvents.actorId, userId), eq(auditEvents.actorLabel, user.email)));
      await tx
        .update(auditEvents)
        .set({ subjectLabel: DELETED_LABEL })
        .where(or(eq(auditEvents.subjectUserId, userId), eq(auditEvents.subjectLabel, user.email)));
      await tx.execute(sql`set local claimlink.audit_redaction = 'off'`);

      const result = { userId, erasureIds, studiesLeft: active.length, devicesReleased: liveIds.length };
      await recordAudit(tx, byStaff ? actor : { id: userId, label: DELETED_LABEL, ip: null }, {
        action: "account.deleted",
        outcome: "success",
        subjectUserId: userId,
        subjectLabel: DELETED_LABEL,
        detail: { byStaff, ...(opts.reason ? { reason: opts.reason } : {}), ...result },
      });
      return result;
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      await recordRefusal(db, actor, { action: "account.delete_refused", code: err.code, subjectUserId: userId });
    throw err;
  }
}
