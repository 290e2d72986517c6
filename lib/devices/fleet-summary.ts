import { asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { devices, measurements, users } from "../db/schema";
import { fleetWhere, live, statusExpression } from "./fleet-query";
import type { FleetFilter, FleetStatus } from "./schemas";

// The fleet console's summary: counts over the same filter as the list.

export type FleetSummary = {
  total: number;
  byStatus: Record<FleetStatus, number>;
  byModel: { model: string; firmware: string; count: number }[];
  neverReported: number;
  silent: number;
  silentHours: number;
};

/**
 * Counts over the filtered fleet: by status, by model and firmware, devices that never sent a
 * measurement since their claim, and claimed devices silent for more than `silentHours`.
 */
export async function fleetSummary(db: Db, f: FleetFilter, silentHours = 24): Promise<FleetSummary> {
  const where = fleetWhere(f);
  const byStatusRows = await db
    .select({ status: statusExpression, count: sql<number>`count(*)::int` })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(where)
    .groupBy(statusExpression);
  const byModel = await db
    .select({ model: devices.model, firmware: devices.firmware, count: sql<number>`count(*)::int` })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(where)
    .groupBy(devices.model, devices.firmware)
    .orderBy(desc(sql`count(*)`), asc(devices.model), asc(devices.firmware))
    .limit(50);
  const [counts] = await db
    .select({
      neverReported: sql<number>`count(*) filter (
        where ${devices.releasedAt} is null
          and not exists (select 1 from ${measurements} where ${measurements.deviceId} = ${devices.id}))::int`,
      silent: sql<number>`count(*) filter (
        where ${devices.releasedAt} is null and ${live}
          and coalesce(${devices.lastSeenAt}, ${devices.createdAt}) < now() - ${silentHours} * interval '1 hour')::int`,
    })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(where);
  const byStatus = { online: 0, offline: 0, revoked: 0, lost: 0, released: 0, legacy: 0 };
  for (const r of byStatusRows) byStatus[r.status] = Number(r.count);
  return {
    total: Object.values(byStatus).reduce((a, b) => a + b, 0),
    byStatus,
    byModel: byModel.map((r) => ({ ...r, count: Number(r.count) })),
    neverReported: Number(counts?.neverReported ?? 0),
    silent: Number(counts?.silent ?? 0),
    silentHours,
  };
}
