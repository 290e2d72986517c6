import { and, eq, isNull, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { rowsOf, type Db } from "../db/client";
import { devices, legacyNodes } from "../db/schema";
import { AppError } from "../errors/app-error";

export type UpgradeResult = { nodeId: string; hardwareId: string; deviceId: string; movedReadings: number };

/**
 * Upgrades a legacy node: its history moves to a claimed Claimlink device (at its own level),
 * its old record is released, and its hardware id is refused by the unsigned route for good.
 * An owner may link only their own node to their own device (anything else is `not_found` /
 * `device_not_found`); staff (`asStaff`) may link any. One transaction, audited.
 */
export async function upgradeLegacyNode(
  db: Db,
  actor: Actor,
  target: { deviceId: string; hardwareId?: string; nodeId?: string; asStaff: boolean },
): Promise<UpgradeResult> {
  return db.transaction(async (tx) => {
    // Locked first: ingest of this node waits for the upgrade, then sees it and is refused.
    const [node] = await tx
      .select()
      .from(legacyNodes)
      .where(target.nodeId ? eq(legacyNodes.id, target.nodeId) : eq(legacyNodes.hardwareId, target.hardwareId ?? ""))
      .for("update");
    const [oldRecord] = node ? await tx.select().from(devices).where(eq(devices.id, node.deviceId)) : [];
    if (!node || !oldRecord || (!target.asStaff && oldRecord.ownerId !== actor.id))
      throw new AppError("not_found", "No such legacy node.");
    if (node.upgradedAt) throw new AppError("conflict", "This legacy node was already upgraded.");
    // A record its owner released (given away) is no longer theirs to carry into a device.
    if (oldRecord.releasedAt) throw new AppError("not_found", "No such legacy node.");

    const [device] = await tx
      .select()
      .from(devices)
      .where(and(eq(devices.id, target.deviceId), isNull(devices.releasedAt)));
    if (!device || (!target.asStaff && device.ownerId !== actor.id))
      throw new AppError("device_not_found", "No such device.");
    const [isLegacy] = await tx
      .select({ id: legacyNodes.id })
      .from(legacyNodes)
      .where(eq(legacyNodes.deviceId, device.id));
    if (isLegacy) throw new AppError("invalid_request", "Link a claimed Claimlink device, not another legacy node.");

    // Moved in the database, never through memory, each at the level it was stored at (`none`
    // or `secret`); a reading the device already has at the same time and property is kept as
    // the device's (signed) one.
    const moved = rowsOf<{ n: number | string }>(
      await tx.execute(sql`
        with moved as (
          insert into measurements (device_id, property, time, unit, value, received_at, verification)
          select ${device.id}, property, time, unit, value, received_at, verification
          from measurements where device_id = ${node.deviceId}
          on conflict do nothing
          returning 1)
        select count(*) as n from moved`),
    );
    await tx.execute(sql`delete from measurements where device_id = ${node.deviceId}`);
    const now = new Date();
    await tx
      .update(legacyNodes)
      .set({ upgradedAt: now, upgradedDeviceId: device.id })
      .where(eq(legacyNodes.id, node.id));
    await tx.update(devices).set({ releasedAt: now }).where(eq(devices.id, node.deviceId));
    const result = {
      nodeId: node.id,
      hardwareId: node.hardwareId,
      deviceId: device.id,
      movedReadings: Number(moved[0]?.n ?? 0),
    };
    await recordAudit(tx, actor, {
      action: "legacy.upgraded",
      outcome: "success",
      subjectUserId: device.ownerId,
      subjectDeviceId: device.id,
      detail: { ...result, legacyRecord: node.deviceId, byStaff: target.asStaff },
    });
    return result;
  });
}
