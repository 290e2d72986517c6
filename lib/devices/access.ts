import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { deviceShares, devices, type Device } from "../db/schema";
import { AppError } from "../errors/app-error";

// Who may read a device. Every read a viewer may make (the device page, its values, its chart,
// its measurements' export) asks here; every change goes through `getOwnedDevice` instead.

export type DeviceRole = "owner" | "viewer";

/**
 * "owner" for the account that owns (or, read-only, once owned and released) the device,
 * "viewer" for an account with an active share, else null. A released device's former owner
 * keeps reading its history up to the release (`device.releasedAt`); a new owner's claim of the
 * same board is a separate record (docs/protocol.md section 5), so neither sees the other's period.
 */
export async function canViewDevice(db: Db, userId: string, deviceId: string): Promise<DeviceRole | null> {
  return (await viewableDevice(db, userId, deviceId))?.role ?? null;
}

export async function viewableDevice(
  db: Db,
  userId: string,
  deviceId: string,
): Promise<{ device: Device; role: DeviceRole } | null> {
  const [d] = await db.select().from(devices).where(eq(devices.id, deviceId));
  if (!d) return null;
  if (d.ownerId === userId) return { device: d, role: "owner" };
  if (d.releasedAt) return null;
  const [share] = await db
    .select({ id: deviceShares.id })
    .from(deviceShares)
    .where(and(eq(deviceShares.deviceId, deviceId), eq(deviceShares.userId, userId), isNull(deviceShares.endedAt)));
  return share ? { device: d, role: "viewer" } : null;
}

/** The device and the caller's role, or `device_not_found` (another's device looks like no device). */
export async function requireViewableDevice(db: Db, userId: string, deviceId: string) {
  const v = await viewableDevice(db, userId, deviceId);
  if (!v) throw new AppError("device_not_found", "No such device.");
  return v;
}
