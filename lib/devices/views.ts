import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import { recordAudit, type Actor } from "../audit/record";
import { rowsOf, type Db } from "../db/client";
import { auditEvents, deviceCredentials, devices, measurements, type Device } from "../db/schema";
import { AppError } from "../http/errors";
import { hasNoControlChars, parseOrThrow } from "../http/validate";
import { getOwnedDevice } from "./lifecycle";
import { latestMeasurements } from "./measurements";

export type DeviceStatus = "online" | "offline" | "revoked";
export type Reading = { property: string; unit: string | null; time: Date; value: number };

/**
 * Online while the device was heard from within two and a half measurement intervals (at
 * least 90 s); revoked when it holds no live credential.
 */
export function deviceStatus(d: Pick<Device, "lastSeenAt" | "measurementIntervalSeconds">, hasLiveCredential: boolean, now = Date.now()): DeviceStatus {
  if (!hasLiveCredential) return "revoked";
  const window = Math.max(90, d.measurementIntervalSeconds * 2.5) * 1000;
  return d.lastSeenAt && now - d.lastSeenAt.getTime() <= window ? "online" : "offline";
}

export type DeviceSummary = { id: string; name: string; model: string; status: DeviceStatus; lastSeenAt: Date | null; latest: Reading[] };

/** The owner's devices, by name, with status and the newest value of each property. */
export async function listMyDevices(db: Db, userId: string): Promise<DeviceSummary[]> {
  const mine = await db.select().from(devices).where(and(eq(devices.ownerId, userId), isNull(devices.releasedAt))).orderBy(sql`lower(${devices.name})`);
  if (mine.length === 0) return [];
  const ids = mine.map((d) => d.id);
  const live = new Set(
    (await db.select({ id: deviceCredentials.deviceId }).from(deviceCredentials).where(and(inArray(deviceCredentials.deviceId, ids), isNull(deviceCredentials.revokedAt)))).map((r) => r.id),
  );
  const latest = await db
    .selectDistinctOn([measurements.deviceId, measurements.property], {
      deviceId: measurements.deviceId,
      property: measurements.property,
      unit: measurements.unit,
      time: measurements.time,
      value: measurements.value,
    })
    .from(measurements)
    .where(inArray(measurements.deviceId, ids))
    .orderBy(measurements.deviceId, measurements.property, desc(measurements.time));
  return mine.map((d) => ({
    id: d.id,
    name: d.name,
    model: d.model,
    status: deviceStatus(d, live.has(d.id)),
    lastSeenAt: d.lastSeenAt,
    latest: latest.filter((l) => l.deviceId === d.id).map(({ deviceId: _, ...r }) => r),
  }));
}

export type DeviceDetail = DeviceSummary & {
  firmware: string;
  createdAt: Date;
  measurementIntervalSeconds: number;
  credential: { id: string; createdAt: Date; lastUsedAt: Date | null } | null;
};

export async function getDeviceDetail(db: Db, userId: string, deviceId: string): Promise<DeviceDetail> {
  const d = await getOwnedDevice(db, userId, deviceId);
  const [cred] = await db
    .select({ id: deviceCredentials.id, createdAt: deviceCredentials.createdAt, lastUsedAt: deviceCredentials.lastUsedAt })
    .from(deviceCredentials)
    .where(and(eq(deviceCredentials.deviceId, d.id), isNull(deviceCredentials.revokedAt)))
    .orderBy(desc(deviceCredentials.createdAt))
    .limit(1);
  const latest = await latestMeasurements(db, d.id);
  return {
    id: d.id,
    name: d.name,
    model: d.model,
    firmware: d.firmware,
    createdAt: d.createdAt,
    measurementIntervalSeconds: d.measurementIntervalSeconds,
    status: deviceStatus(d, !!cred),
    lastSeenAt: d.lastSeenAt,
    latest,
    credential: cred ?? null,
  };
}

export const deviceNameSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "is required")
    .max(60, "must be at most 60 characters")
    .refine(hasNoControlChars, "must not contain control characters"),
});

/** Renames a device; names are unique per owner, whatever their case (`name_taken`). */
export async function renameDevice(db: Db, actor: Actor & { id: string }, deviceId: string, input: unknown): Promise<{ id: string; name: string }> {
  const { name } = parseOrThrow(deviceNameSchema, input);
  const d = await getOwnedDevice(db, actor.id, deviceId);
  try {
    return await db.transaction(async (tx) => {
      await tx.update(devices).set({ name }).where(eq(devices.id, d.id));
      await recordAudit(tx, actor, { action: "device.renamed", outcome: "success", subjectUserId: actor.id, subjectDeviceId: d.id, detail: { from: d.name, to: name } });
      return { id: d.id, name };
    });
  } catch (err) {
    if ((err as { cause?: { code?: string } }).cause?.code === "23505") throw new AppError("name_taken", `You already have a device called “${name}”.`);
    throw err;
  }
}

export const RANGES = { "24h": 86_400, "7d": 7 * 86_400, "30d": 30 * 86_400 } as const;
export type Range = keyof typeof RANGES;

export type Series = { property: string; unit: string | null; points: [number, number][] };

/** Readings over a range, averaged into at most ~300 buckets per property (enough for a phone screen). */
export async function measurementSeries(db: Db, userId: string, deviceId: string, range: Range, now = Date.now()): Promise<Series[]> {
  const d = await getOwnedDevice(db, userId, deviceId);
  const seconds = RANGES[range];
  const bucket = Math.max(60, Math.ceil(seconds / 300));
  const since = new Date(now - seconds * 1000);
  const rows = rowsOf<{ property: string; unit: string | null; t: number | string; v: number | string }>(
    await db.execute(sql`
      select property, max(unit) as unit,
             floor(extract(epoch from time) / ${bucket}) * ${bucket} as t, avg(value) as v
      from ${measurements}
      where device_id = ${d.id} and time >= ${since.toISOString()}::timestamptz
      group by property, t order by property, t`),
  );
  const byProperty = new Map<string, Series>();
  for (const r of rows) {
    const s = byProperty.get(r.property) ?? { property: r.property, unit: r.unit, points: [] };
    s.points.push([Number(r.t), Number(r.v)]);
    byProperty.set(r.property, s);
  }
  return [...byProperty.values()];
}

/** The audit trail of one device: claims, failed attempts, re-provisioning, commands. */
export async function deviceAuditTrail(db: Db, userId: string, deviceId: string) {
  const d = await getOwnedDevice(db, userId, deviceId);
  return db
    .select({ id: auditEvents.id, at: auditEvents.at, action: auditEvents.action, outcome: auditEvents.outcome, actorLabel: auditEvents.actorLabel, detail: auditEvents.detail })
    .from(auditEvents)
    .where(eq(auditEvents.subjectDeviceId, d.id))
    .orderBy(desc(auditEvents.id))
    .limit(100);
}
