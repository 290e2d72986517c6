import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { devices } from "../db/schema";

export type DeviceAccess = "owner" | "viewer" | null;

/**
 * How `userId` may see a device: its owner, a viewer it was shared with, or not at all (null,
 * answered as `device_not_found`). A released device is no one's.
 */
export async function canViewDevice(db: Db, userId: string, deviceId: string): Promise<DeviceAccess> {
  const [d] = await db
    .select({ ownerId: devices.ownerId })
    .from(devices)
    .where(and(eq(devices.id, deviceId), isNull(devices.releasedAt)));
  return d && d.ownerId === userId ? "owner" : null;
}
