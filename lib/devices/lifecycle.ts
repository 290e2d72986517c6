import { and, eq, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceShares, devices, type Device } from "../db/schema";
import { AppError } from "../errors/app-error";
import { enqueueWebhookEvent } from "../webhooks/events";
import { revokeDeviceCredentials } from "./credentials";

/** The device if `userId` owns it; another user's device (or an unknown id) is `device_not_found`. */
export async function getOwnedDevice(db: Db, userId: string, deviceId: string): Promise<Device> {
  const [d] = await db
    .select()
    .from(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.ownerId, userId), isNull(devices.releasedAt)));
  if (!d) throw new AppError("device_not_found", "No such device.");
  return d;
}

export async function findDevice(db: Db, deviceId: string): Promise<Device | null> {
  const [d] = await db.select().from(devices).where(eq(devices.id, deviceId));
  return d ?? null;
}

/** Revokes a device's credentials at once (lost or stolen): its next signed request is refused. */
export async function revokeDevice(db: Db, actor: Actor, deviceId: string): Promise<string[]> {
  return db.transaction(async (tx) => {
    const [d] = await tx.select().from(devices).where(eq(devices.id, deviceId));
    if (!d) throw new AppError("device_not_found", "No such device.");
    const revoked = await revokeDeviceCredentials(tx, actor, deviceId, "revoked");
    if (revoked.length > 0)
      await enqueueWebhookEvent(tx, "device.revoked", {
        deviceId,
        model: d.model,
        studyId: d.studyId,
        revokedCredentials: revoked.length,
      });
    return revoked;
  });
}

/**
 * The owner reports the device lost or stolen: its credentials are revoked at once (the board's
 * next request gets `credential_revoked`), the record, its name and history stay the owner's,
 * and "Claim a replacement" carries them on to new hardware. Reporting it twice changes nothing.
 */
export async function reportDeviceLost(db: Db, actor: Actor & { id: string }, deviceId: string): Promise<Device> {
  return db.transaction(async (tx) => {
    const [d] = await tx
      .select()
      .from(devices)
      .where(and(eq(devices.id, deviceId), eq(devices.ownerId, actor.id), isNull(devices.releasedAt)))
      .for("update");
    if (!d) throw new AppError("device_not_found", "No such device.");
    if (d.lostAt) return d;
    const [lost] = await tx.update(devices).set({ lostAt: new Date() }).where(eq(devices.id, d.id)).returning();
    const revoked = await revokeDeviceCredentials(tx, actor, d.id, "lost_or_stolen");
    await recordAudit(tx, actor, {
      action: "device.reported_lost",
      outcome: "success",
      subjectUserId: actor.id,
      subjectDeviceId: d.id,
      detail: { revokedCredentials: revoked },
    });
    await enqueueWebhookEvent(tx, "device.lost", { deviceId: d.id, model: d.model, studyId: d.studyId });
    return lost;
  });
}

/**
 * The owner lets the device go (docs/protocol.md section 5): its credentials are revoked and its
 * shares end in the same transaction, so the board sends nothing more to this record and whoever
 * claims it next starts a new record with a fresh history. The former owner keeps reading the
 * history up to the release, read-only (`canViewDevice`).
 */
export async function releaseDevice(db: Db, actor: Actor & { id: string }, deviceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [d] = await tx
      .update(devices)
      .set({ releasedAt: new Date() })
      .where(and(eq(devices.id, deviceId), eq(devices.ownerId, actor.id), isNull(devices.releasedAt)))
      .returning();
    if (!d) throw new AppError("device_not_found", "No such device.");
    const revoked = await revokeDeviceCredentials(tx, actor, deviceId, "released");
    const ended = await tx
      .update(deviceShares)
      .set({ endedAt: new Date(), endedReason: "released" })
      .where(and(eq(deviceShares.deviceId, deviceId), isNull(deviceShares.endedAt)))
      .returning({ id: deviceShares.id, userId: deviceShares.userId });
    await recordAudit(tx, actor, {
      action: "device.released",
      outcome: "success",
      subjectUserId: actor.id,
      subjectDeviceId: deviceId,
      detail: { revokedCredentials: revoked, endedShares: ended.map((s) => s.id) },
    });
  });
}
