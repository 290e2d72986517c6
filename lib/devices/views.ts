import { and, desc, eq, inArray, isNotNull, isNull, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { auditEvents, devices, legacyNodes, measurements, type Device, type VerificationLevel } from "../db/schema";
import { devicesWithLiveCredential, liveCredential } from "./credentials";
import { requireViewableDevice, type DeviceRole } from "./access";
import { sharedWithMe } from "./shares";
import { latestMeasurements } from "./measurements";
import { RANGES, type Range } from "./schemas";

/** `legacy`: a legacy node's record, which has no credential by design (docs/legacy-ingest.md). */
export type DeviceStatus = "online" | "offline" | "revoked" | "lost" | "released" | "legacy";
export type Reading = { property: string; unit: string | null; time: Date; value: number };

/**
 * Online while the device was heard from within two and a half measurement intervals (at
 * least 90 s); released or lost when its owner said so; revoked when it holds no live credential.
 */
export function deviceStatus(
  d: Pick<Device, "lastSeenAt" | "measurementIntervalSeconds"> & Partial<Pick<Device, "lostAt" | "releasedAt">>,
  hasLiveCredential: boolean,
  now = Date.now(),
): DeviceStatus {
  if (d.releasedAt) return "released";
  if (d.lostAt) return "lost";
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

export type MyDevices = {
  /** Devices the account owns now. */
  owned: DeviceSummary[];
  /** Devices other accounts share with it, read-only. */
  shared: (DeviceSummary & { ownerName: string })[];
  /** Devices it released: their history up to the release, read-only. */
  released: (DeviceSummary & { releasedAt: Date })[];
};

/** The account's devices, by name: owned, shared with it, and released (each with status and latest values). */
export async function listMyDevices(db: Db, userId: string): Promise<MyDevices> {
  const owned = await db
    .select()
    .from(devices)
    .where(and(eq(devices.ownerId, userId), isNull(devices.releasedAt)))
    .orderBy(sql`lower(${devices.name})`);
  const releasedRecords = await db
    .select()
    .from(devices)
    .where(and(eq(devices.ownerId, userId), isNotNull(devices.releasedAt)))
    .orderBy(desc(devices.releasedAt))
    .limit(100);
  // An upgraded legacy node's record is released when its history moves to the new device:
  // nothing is left to show under it.
  const upgraded = await legacyRecords(
    db,
    releasedRecords.map((d) => d.id),
  );
  const released = releasedRecords.filter((d) => !upgraded.has(d.id));
  const shared = await sharedWithMe(db, userId);
  const all = await summarize(db, [...owned, ...released, ...shared.map((s) => s.device)]);
  return {
    owned: owned.map((d) => all.get(d.id)!),
    shared: shared.map((s) => ({ ...all.get(s.device.id)!, ownerName: s.ownerName })),
    released: released.map((d) => ({ ...all.get(d.id)!, releasedAt: d.releasedAt! })),
  };
}

async function summarize(db: Db, mine: Device[]): Promise<Map<string, DeviceSummary>> {
  if (mine.length === 0) return new Map();
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
  return new Map(
    mine.map((d) => [
      d.id,
      {
        id: d.id,
        name: d.name,
        model: d.model,
        status: !d.releasedAt && legacy.has(d.id) ? "legacy" : deviceStatus(d, live.has(d.id)),
        lastSeenAt: d.lastSeenAt,
        // A released record's history ends at the release (nothing later is shown to its former owner).
        latest: latest
          .filter((l) => l.deviceId === d.id && (!d.releasedAt || l.time <= d.releasedAt))
          .map(({ deviceId: _, ...r }) => r),
      },
    ]),
  );
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
  role: DeviceRole;
  firmware: string;
  createdAt: Date;
  releasedAt: Date | null;
  lostAt: Date | null;
  measurementIntervalSeconds: number;
  credential: { id: string; createdAt: Date; lastUsedAt: Date | null } | null;
};

/** A device as its owner or a viewer sees it; a viewer is not shown the credential. */
export async function getDeviceDetail(db: Db, userId: string, deviceId: string): Promise<DeviceDetail> {
  const { device: d, role } = await requireViewableDevice(db, userId, deviceId);
  const cred = await liveCredential(db, d.id);
  const latest = (await latestMeasurements(db, d.id)).filter((r) => !d.releasedAt || r.time <= d.releasedAt);
  return {
    id: d.id,
    role,
    name: d.name,
    model: d.model,
    firmware: d.firmware,
    createdAt: d.createdAt,
    releasedAt: d.releasedAt,
    lostAt: d.lostAt,
    measurementIntervalSeconds: d.measurementIntervalSeconds,
    status: deviceStatus(d, !!cred),
    lastSeenAt: d.lastSeenAt,
    latest,
    credential: role === "owner" && cred ? cred : null,
  };
}

/**
 * One property's chart, one line per level of trust (docs/legacy-ingest.md "Levels of trust"),
 * kept apart so the chart can draw them differently: `points` from signed readings, `secret`
 * from a legacy node that presented its credential, `unverified` from one known by hardware id only.
 */
export type Series = {
  property: string;
  unit: string | null;
  points: [number, number][];
  secret: [number, number][];
  unverified: [number, number][];
};

const LINE_OF: Record<VerificationLevel, "points" | "secret" | "unverified"> = {
  signed: "points",
  secret: "secret",
  none: "unverified",
};

/** Readings over a range, averaged into at most ~300 buckets per property (enough for a phone screen). */
export async function measurementSeries(
  db: Db,
  userId: string,
  deviceId: string,
  range: Range,
  now = Date.now(),
): Promise<Series[]> {
  const { device: d } = await requireViewableDevice(db, userId, deviceId);
  return deviceSeries(db, d, range, now);
}

/** A device's readings over a range, whoever owns it (staff); see measurementSeries. */
export async function deviceSeries(
  db: Db,
  d: Pick<Device, "id" | "releasedAt">,
  range: Range,
  now = Date.now(),
): Promise<Series[]> {
  const seconds = RANGES[range];
  const bucket = Math.max(60, Math.ceil(seconds / 300));
  // A released device's chart ends at its release: the range counts back from there.
  const end = d.releasedAt ? Math.min(now, d.releasedAt.getTime()) : now;
  const since = new Date(end - seconds * 1000);
  const until = new Date(end);
  const rows = rowsOf<{
    property: string;
    unit: string | null;
    t: number | string;
    v: number | string;
    verification: VerificationLevel;
  }>(
    await db.execute(sql`
      select property, max(unit) as unit, verification,
             floor(extract(epoch from time) / ${bucket}) * ${bucket} as t, avg(value) as v
      from ${measurements}
      where device_id = ${d.id} and time >= ${since.toISOString()}::timestamptz
        and time <= ${until.toISOString()}::timestamptz
      group by property, verification, t order by property, t`),
  );
  const byProperty = new Map<string, Series>();
  for (const r of rows) {
    const s = byProperty.get(r.property) ?? {
      property: r.property,
      unit: r.unit,
      points: [],
      secret: [],
      unverified: [],
    };
    s[LINE_OF[r.verification]].push([Number(r.t), Number(r.v)]);
    s.unit ??= r.unit;
    byProperty.set(r.property, s);
  }
  return [...byProperty.values()];
}

/** The audit trail of one device: claims, failed attempts, re-provisioning, commands. Its owner's only. */
export async function deviceAuditTrail(db: Db, userId: string, deviceId: string) {
  const { device: d, role } = await requireViewableDevice(db, userId, deviceId);
  if (role !== "owner") return [];
  return deviceEvents(db, d.id);
}

/** The newest 100 audit events about a device, whoever asks (callers check who may see them). */
export function deviceEvents(db: Db, deviceId: string) {
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
    .where(eq(auditEvents.subjectDeviceId, deviceId))
    .orderBy(desc(auditEvents.id))
    .limit(100);
}
