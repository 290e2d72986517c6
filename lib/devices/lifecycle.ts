import { and, eq, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { devices, type Device } from "../db/schema";
import { AppError } from "../errors/app-error";
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
    return revokeDeviceCredentials(tx, actor, deviceId, "revoked");
  });
}

/**
 * The owner lets the device go: another account may claim it (docs/protocol.md section 5). The
 * owner keeps its history under the old record; the board keeps working until claimed.
 */
export async function releaseDevice(db: Db, actor: Actor & { id: string }, deviceId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [d] = await tx
      .update(devices)
      .set({ releasedAt: new Date() })
      .where(and(eq(devices.id, deviceId), eq(devices.ownerId, actor.id), isNull(devices.releasedAt)))
      .returning();
    if (!d) throw new AppError("device_not_found", "No such device.");
    await recordAudit(tx, actor, {
      action: "device.released",
      outcome: "success",
      subjectUserId: actor.id,
      subjectDeviceId: deviceId,
    });
  });
}
