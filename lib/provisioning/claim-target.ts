import { and, count, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { devices, legacyNodes, users, type Device, type ProvisioningSession } from "../db/schema";
import { AppError } from "../errors/app-error";

// Which device record a successful claim lands on (docs/protocol.md section 5). Decided once when
// the claim is made, so the user hears a refusal at once, and again inside the transaction
// that writes the device, so nothing that changed in between slips through.

export type Target =
  | { kind: "new"; releasedDevice: Device | null } // a new record; the board's old record (released by its owner), if any
  | { kind: "rebind"; device: Device } // the owner re-provisions their own device: same id, new credential
  | { kind: "replace"; device: Device }; // new hardware takes over the owner's existing record

/**
 * How many live devices `userId` owns, counted under a lock on the owner's row, so two claims by
 * one owner on different sessions count one after the other: under READ COMMITTED each would
 * otherwise miss the other's new device. The count runs after the lock is granted, so it sees
 * what the other committed: the two are sent together (pipelined on the transaction's
 * connection), and PostgreSQL runs the count only once the lock statement has finished. A caller
 * may send it alongside its own statements and hand the result to planTarget.
 */
export async function lockAndCountOwned(tx: Db, userId: string): Promise<number> {
  const [, [{ n }]] = await Promise.all([
    tx.select({ id: users.id }).from(users).where(eq(users.id, userId)).for("update"),
    tx
      .select({ n: count() })
      .from(devices)
      .where(and(eq(devices.ownerId, userId), isNull(devices.releasedAt))),
  ]);
  return Number(n);
}

async function requireQuota(owned: number | Promise<number>, devicesPerAccount: number): Promise<void> {
  if ((await owned) >= devicesPerAccount) {
    throw new AppError(
      "quota_exceeded",
      `You have reached the limit of ${devicesPerAccount} devices. Release one you no longer use, or ask the project team.`,
    );
  }
}

export async function planTarget(
  tx: Db,
  session: ProvisioningSession,
  userId: string,
  replaces: string | null,
  devicesPerAccount: number,
  /** What lockAndCountOwned(tx, userId) answered, when the caller has already sent it in this transaction. */
  owned?: number,
): Promise<Target> {
  const ownedNow = () => owned ?? lockAndCountOwned(tx, userId);
  if (session.boundDeviceId) {
    if (replaces)
      throw new AppError("invalid_request", "This device is already registered; it cannot replace another device.");
    const [bound] = await tx.select().from(devices).where(eq(devices.id, session.boundDeviceId));
    if (bound && bound.ownerId === userId && !bound.releasedAt) return { kind: "rebind", device: bound };
    if (bound && !bound.releasedAt)
      throw new AppError(
        "device_owned_by_other",
        "This device belongs to another account. Its owner must release it before you can claim it.",
      );
    await requireQuota(ownedNow(), devicesPerAccount);
    return { kind: "new", releasedDevice: bound ?? null };
  }
  if (replaces) {
    const [old] = await tx.select().from(devices).where(eq(devices.id, replaces));
    if (!old || old.ownerId !== userId || old.releasedAt)
      throw new AppError("not_owner", "You can only replace a device of your own.");
    // A legacy node's record is continued by linking the new device to the node, not by
    // replacement: its hardware id would otherwise keep writing into the new device's history.
    const [legacy] = await tx.select({ id: legacyNodes.id }).from(legacyNodes).where(eq(legacyNodes.deviceId, old.id));
    if (legacy)
      throw new AppError(
        "not_owner",
        "A legacy node is not replaced: claim the new device, then link it to the node from its page.",
      );
    return { kind: "replace", device: old };
  }
  await requireQuota(ownedNow(), devicesPerAccount);
  return { kind: "new", releasedDevice: null };
}
