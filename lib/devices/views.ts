import { and, desc, eq, inArray, isNull, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { auditEvents, devices, legacyNodes, measurements, type Device } from "../db/schema";
import { devicesWithLiveCredential, liveCredential } from "./credentials";
import { getOwnedDevice } from "./lifecycle";
import { latestMeasurements } from "./measurements";
import { RANGES, type Range } from "./schemas";

/** `legacy`: a legacy node's record, which has no credential by design (docs/legacy-ingest.md). */
export type DeviceStatus = "online" | "offline" | "revoked" | "legacy";
export type Reading = { property: string; unit: string | null; time: Date; value: number };

/**
 * Online while the device was heard from within two and a half measurement intervals (at
 * least 90 s); revoked when it holds no live credential.
 */
export function deviceStatus(
  d: Pick<Device, "lastSeenAt" | "measurementIntervalSeconds">,
  hasLiveCredential: boolean,
  now = Date.now(),
): DeviceStatus {
  if (!hasLiveCredential) return "revoked";
  const window = Math.max(90, d.measurementIntervalSeconds * 2.5) * 1000;
  return d.lastSeenAt && now - d.lastSeenAt.getTime() <= window ? "online" : "offline";
}

export type DeviceSummary = {
  id: string;
  name: string;
  model: string;
  status: DeviceStatus;
  lastSeenAt: Date | null;
  latest: Reading[];
};

/** The owner's devices, by name, with status and the newest value of each property. */
export async function listMyDevices(db: Db, userId: string): Promise<DeviceSummary[]> {
  const mine = await db
    .select()
    .from(devices)
    .where(and(eq(devices.ownerId, userId), isNull(devices.releasedAt)))
    .orderBy(sql`lower(${devices.name})`);
  if (mine.length === 0) return [];
  const ids = mine.map((d) => d.id);
  const live = await devicesWithLiveCredential(db, ids);
  const legacy = await legacyRecords(db, ids);
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
    status: legacy.has(d.id) ? "legacy" : deviceStatus(d, live.has(d.id)),
    lastSeenAt: d.lastSeenAt,
    latest: latest.filter((l) => l.deviceId === d.id).map(({ deviceId: _, ...r }) => r),
  }));
}

/** Which of these devices are legacy nodes' records. */
export async function legacyRecords(db: Db, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const rows = await db
    .select({ deviceId: legacyNodes.deviceId })
    .from(legacyNodes)
    .where(inArray(legacyNodes.deviceId, ids));
  return new Set(rows.map((r) => r.deviceId));
}

export type DeviceDetail = DeviceSummary & {
  firmware: string;
  createdAt: Date;
  measurementIntervalSeconds: number;
  credential: { id: string; createdAt: Date; lastUsedAt: Date | null } | null;
};

export async function getDeviceDetail(db: Db, userId: string, deviceId: string): Promise<DeviceDetail> {
  const d = await getOwnedDevice(db, userId, deviceId);
  const cred = await liveCredential(db, d.id);
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

/**
 * One property's chart: `points` from signed readings, `unverified` from readings a legacy node
 * sent unsigned (docs/legacy-ingest.md), kept apart so the chart can draw them differently.
 */
export type Series = {
  property: string;
  unit: string | null;
  points: [number, number][];
  unverified: [number, number][];
};

/** Readings over a range, averaged into at most ~300 buckets per property (enough for a phone screen). */
export async function measurementSeries(
  db: Db,
  userId: string,
  deviceId: string,
  range: Range,
  now = Date.now(),
): Promise<Series[]> {
  const d = await getOwnedDevice(db, userId, deviceId);
  const seconds = RANGES[range];
  const bucket = Math.max(60, Math.ceil(seconds / 300));
  const since = new Date(now - seconds * 1000);
  const rows = rowsOf<{
    property: string;
    unit: string | null;
    t: number | string;
    v: number | string;
    verified: boolean;
  }>(
    await db.execute(sql`
      select property, max(unit) as unit, verified,
             floor(extract(epoch from time) / ${bucket}) * ${bucket} as t, avg(value) as v
      from ${measurements}
      where device_id = ${d.id} and time >= ${since.toISOString()}::timestamptz
      group by property, verified, t order by property, t`),
  );
  const byProperty = new Map<string, Series>();
  for (const r of rows) {
    const s = byProperty.get(r.property) ?? { property: r.property, unit: r.unit, points: [], unverified: [] };
    (r.verified ? s.points : s.unverified).push([Number(r.t), Number(r.v)]);
    s.unit ??= r.unit;
    byProperty.set(r.property, s);
  }
  return [...byProperty.values()];
}

/** The audit trail of one device: claims, failed attempts, re-provisioning, commands. */
export async function deviceAuditTrail(db: Db, userId: string, deviceId: string) {
  const d = await getOwnedDevice(db, userId, deviceId);
  return db
    .select({
      id: auditEvents.id,
      at: auditEvents.at,
      action: auditEvents.action,
      outcome: auditEvents.outcome,
      actorLabel: auditEvents.actorLabel,
      detail: auditEvents.detail,
    })
    .from(auditEvents)
    .where(eq(auditEvents.subjectDeviceId, d.id))
    .orderBy(desc(auditEvents.id))
    .limit(100);
}
