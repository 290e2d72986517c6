import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceShares, devices, users } from "../db/schema";
import { AppError } from "../errors/app-error";
import { isUniqueViolation } from "../errors/validate";
import { tryAgainIn } from "../format";
import { newId } from "../ids";
import { countHit } from "../rate-limit";
import { getOwnedDevice } from "./lifecycle";

// Households: an owner lets another account view a device (its values and history, nothing else).

/** Share attempts per owner per hour: "is there an account with this email?" is not a free oracle. */
export const SHARES_PER_HOUR = 20;

export type ShareView = { id: string; email: string; name: string; createdAt: Date };

/**
 * Shares an owner's device with the account of `email`, as a viewer. Refused for an unknown or
 * disabled account, for oneself, and for an account that already has it. Audited. Returns the
 * share and the viewer, to tell them by mail (after the transaction).
 */
export async function shareDevice(db: Db, actor: Actor & { id: string }, deviceId: string, email: string) {
  const limit = await countHit(db, `shares:user:${actor.id}`, { max: SHARES_PER_HOUR, windowSeconds: 3600 });
  if (limit.count > SHARES_PER_HOUR)
    throw new AppError("rate_limited", `Too many shares. ${tryAgainIn(limit.retryAfterSeconds)}`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
  const d = await getOwnedDevice(db, actor.id, deviceId);
  const [viewer] = await db.select().from(users).where(eq(users.email, email.toLowerCase()));
  if (!viewer || viewer.disabledAt)
    throw new AppError("not_found", "There is no Claimlink account with that email. Ask them to get an account first.");
  if (viewer.id === actor.id) throw new AppError("invalid_request", "This device is already yours.");
  try {
    return await db.transaction(async (tx) => {
      const [share] = await tx
        .insert(deviceShares)
        .values({ id: newId("shr"), deviceId: d.id, userId: viewer.id, createdBy: actor.id })
        .returning();
      await recordAudit(tx, actor, {
        action: "device.shared",
        outcome: "success",
        subjectUserId: viewer.id,
        subjectLabel: viewer.email,
        subjectDeviceId: d.id,
        detail: { shareId: share.id },
      });
      return { share, device: d, viewer: { email: viewer.email, name: viewer.name, locale: viewer.locale } };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", `${viewer.email} can already see this device.`);
    throw err;
  }
}

/** The owner ends a share; the viewer loses sight of the device on their next request. Audited. */
export async function endShare(db: Db, actor: Actor & { id: string }, deviceId: string, shareId: string) {
  const d = await getOwnedDevice(db, actor.id, deviceId);
  await db.transaction(async (tx) => {
    const [ended] = await tx
      .update(deviceShares)
      .set({ endedAt: new Date(), endedReason: "ended_by_owner" })
      .where(and(eq(deviceShares.id, shareId), eq(deviceShares.deviceId, d.id), isNull(deviceShares.endedAt)))
      .returning();
    if (!ended) throw new AppError("not_found", "No such share.");
    await recordAudit(tx, actor, {
      action: "device.share_ended",
      outcome: "success",
      subjectUserId: ended.userId,
      subjectDeviceId: d.id,
      detail: { shareId: ended.id },
    });
  });
}

/** A device's active shares, for its owner's page. */
export async function listShares(db: Db, deviceId: string): Promise<ShareView[]> {
  return db
    .select({ id: deviceShares.id, email: users.email, name: users.name, createdAt: deviceShares.createdAt })
    .from(deviceShares)
    .innerJoin(users, eq(users.id, deviceShares.userId))
    .where(and(eq(deviceShares.deviceId, deviceId), isNull(deviceShares.endedAt)))
    .orderBy(asc(deviceShares.createdAt));
}

/** The ids and owners of devices shared with `userId` (active shares of unreleased devices). */
export async function sharedWithMe(db: Db, userId: string) {
  return db
    .select({ device: devices, ownerName: users.name })
    .from(deviceShares)
    .innerJoin(devices, eq(devices.id, deviceShares.deviceId))
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(and(eq(deviceShares.userId, userId), isNull(deviceShares.endedAt), isNull(devices.releasedAt)))
    .orderBy(sql`lower(${devices.name})`);
}
