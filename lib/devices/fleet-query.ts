import { z } from "zod";
import { optionalInstantSchema } from "../dates";
import { idSchema } from "../ids";
import { and, asc, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { containsPattern } from "../db/search";
import { deviceCredentials, devices, legacyNodes, measurements, users } from "../db/schema";
import { AppError } from "../errors/app-error";
import { hasNoControlChars } from "../errors/validate";

// The staff's fleet query: filters, a sort and a keyset cursor. The same filter drives the list,
// the summary, the CSV export and bulk actions, so "what I see" and "what a bulk action reaches"
// are one SQL predicate.

/** Optional text from a query string or a form: trimmed, bounded, empty meaning "not given". */
const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max, `must be at most ${max} characters`)
    .refine(hasNoControlChars, "must not contain control characters")
    .transform((s) => s || undefined)
    .optional();

/** A day (`2026-11-24`, midnight UTC) or an RFC 3339 time with its offset. */
const instant = optionalInstantSchema;

export const FLEET_STATUSES = ["online", "offline", "revoked", "lost", "released", "legacy"] as const;
export type FleetStatus = (typeof FLEET_STATUSES)[number];

export const fleetFilterShape = {
  q: text(100),
  status: z
    .union([z.literal(""), z.enum(FLEET_STATUSES, `must be one of ${FLEET_STATUSES.join(", ")}`)])
    .transform((s) => s || undefined)
    .optional(),
  model: text(100),
  firmware: text(100),
  owner: text(254),
  // The study the devices were claimed for (docs/studies.md).
  study: z
    .union([z.literal(""), idSchema("stu")])
    .transform((s) => s || undefined)
    .optional(),
  seenBefore: instant,
  seenAfter: instant,
};
export const fleetFilterSchema = z.strictObject(fleetFilterShape);
export type FleetFilter = z.infer<typeof fleetFilterSchema>;

export const FLEET_SORTS = ["lastSeen", "created", "name", "model", "firmware", "owner"] as const;
export type FleetSort = (typeof FLEET_SORTS)[number];

export const MAX_FLEET_PAGE = 200;

export const fleetPageSchema = z.strictObject({
  ...fleetFilterShape,
  sort: z
    .union([z.literal(""), z.enum(FLEET_SORTS, `must be one of ${FLEET_SORTS.join(", ")}`)])
    .transform((s) => s || undefined)
    .optional(),
  dir: z
    .union([z.literal(""), z.enum(["asc", "desc"], "must be asc or desc")])
    .transform((s) => s || undefined)
    .optional(),
  cursor: z
    .string()
    .max(600)
    .regex(/^[A-Za-z0-9_-]*$/, "is not a cursor")
    .transform((s) => s || undefined)
    .optional(),
  limit: z.coerce.number().int().min(1).max(MAX_FLEET_PAGE).optional(),
});
export type FleetPageQuery = z.infer<typeof fleetPageSchema>;

// A device is online while heard from within two and a half measurement intervals (at least
// 90 s), as deviceStatus in views.ts; lost or stolen when its owner said so; revoked when it
// holds no live credential.
const live = sql`exists (select 1 from ${deviceCredentials} where ${deviceCredentials.deviceId} = ${devices.id} and ${deviceCredentials.revokedAt} is null)`;
// A legacy node's record: unsigned data by hardware id, no credential by design (docs/legacy-ingest.md).
const legacyRecord = sql`exists (select 1 from ${legacyNodes} where ${legacyNodes.deviceId} = ${devices.id})`;
const heardRecently = sql`coalesce(${devices.lastSeenAt} > now() - greatest(90, ${devices.measurementIntervalSeconds} * 2.5) * interval '1 second', false)`;

function statusWhere(status: FleetStatus): SQL {
  switch (status) {
    case "released":
      return isNotNull(devices.releasedAt);
    case "legacy":
      return sql`${devices.releasedAt} is null and ${legacyRecord}`;
    case "lost":
      return sql`${devices.releasedAt} is null and not ${legacyRecord} and ${devices.lostAt} is not null`;
    case "revoked":
      return sql`${devices.releasedAt} is null and not ${legacyRecord} and ${devices.lostAt} is null and not ${live}`;
    case "online":
      return sql`${devices.releasedAt} is null and not ${legacyRecord} and ${devices.lostAt} is null and ${live} and ${heardRecently}`;
    case "offline":
      return sql`${devices.releasedAt} is null and not ${legacyRecord} and ${devices.lostAt} is null and ${live} and not ${heardRecently}`;
  }
}

/** The status as SQL, for grouping (the same rules as statusWhere). */
export const statusExpression = sql<FleetStatus>`case when ${devices.releasedAt} is not null then 'released' when ${legacyRecord} then 'legacy' when ${devices.lostAt} is not null then 'lost' when not ${live} then 'revoked' when ${heardRecently} then 'online' else 'offline' end`;

/** The predicate of a filter over `devices` joined with the owner (`users`). */
export function fleetWhere(f: FleetFilter): SQL | undefined {
  const pattern = containsPattern(f.q);
  const owner = containsPattern(f.owner);
  return and(
    pattern
      ? or(
          ilike(devices.name, pattern),
          ilike(devices.id, pattern),
          ilike(devices.model, pattern),
          ilike(users.email, pattern),
        )
      : undefined,
    f.status ? statusWhere(f.status) : undefined,
    f.model ? eq(devices.model, f.model) : undefined,
    f.firmware ? eq(devices.firmware, f.firmware) : undefined,
    f.study ? eq(devices.studyId, f.study) : undefined,
    owner ? ilike(users.email, owner) : undefined,
    // "Last seen before" includes devices never seen; "after" needs a contact.
    f.seenBefore
      ? sql`(${devices.lastSeenAt} is null or ${devices.lastSeenAt} < ${f.seenBefore.toISOString()}::timestamptz)`
      : undefined,
    f.seenAfter ? sql`${devices.lastSeenAt} >= ${f.seenAfter.toISOString()}::timestamptz` : undefined,
  );
}

// Each sort key is an expression over the row and its SQL type: the cursor carries the key
// exactly (times as integer microseconds since the epoch, so nothing is rounded), and the device
// id breaks ties, so a page boundary inside a run of equal keys neither repeats nor skips a device.
const SORT_KEYS: Record<FleetSort, { expr: SQL; type: "timestamptz" | "text" }> = {
  lastSeen: { expr: sql`coalesce(${devices.lastSeenAt}, 'epoch'::timestamptz)`, type: "timestamptz" },
  created: { expr: sql`${devices.createdAt}`, type: "timestamptz" },
  name: { expr: sql`lower(${devices.name})`, type: "text" },
  model: { expr: sql`${devices.model}`, type: "text" },
  firmware: { expr: sql`${devices.firmware}`, type: "text" },
  owner: { expr: sql`${users.email}`, type: "text" },
};

export const DEFAULT_DIR: Record<FleetSort, "asc" | "desc"> = {
  lastSeen: "desc",
  created: "desc",
  name: "asc",
  model: "asc",
  firmware: "asc",
  owner: "asc",
};

type Cursor = { k: string; id: string };

export function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.k, c.id]), "utf8").toString("base64url");
}

const cursorSchema = z.tuple([
  z
    .string()
    .max(300)
    .refine((s) => !s.includes("\0")),
  z.string().regex(/^dev_[A-Z2-7]{16}$/),
]);

function decodeCursor(raw: string, type: "timestamptz" | "text"): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const r = cursorSchema.safeParse(parsed);
  if (!r.success || (type === "timestamptz" && !/^-?\d{1,16}$/.test(r.data[0])))
    throw new AppError("invalid_request", "The cursor is not valid: start again from the first page.");
  return { k: r.data[0], id: r.data[1] };
}

/** The sort key as the cursor carries it. */
const keyText = (key: { expr: SQL; type: "timestamptz" | "text" }) =>
  key.type === "timestamptz"
    ? sql<string>`((extract(epoch from ${key.expr}) * 1000000)::bigint)::text`
    : sql<string>`(${key.expr})::text`;

export type FleetRow = {
  device: typeof devices.$inferSelect;
  ownerEmail: string;
  sortKey: string;
};

/**
 * One page of the fleet, in the order of `sort`/`dir`, after the `cursor` of the previous page.
 * `nextCursor` is null on the last page. Throws `invalid_request` for a cursor it did not issue.
 */
export async function fleetPage(
  db: Db,
  q: FleetPageQuery,
): Promise<{ rows: FleetRow[]; nextCursor: string | null; sort: FleetSort; dir: "asc" | "desc" }> {
  const sort = q.sort ?? "lastSeen";
  const dir = q.dir ?? DEFAULT_DIR[sort];
  const limit = q.limit ?? 50;
  const key = SORT_KEYS[sort];
  let after: SQL | undefined;
  if (q.cursor) {
    const c = decodeCursor(q.cursor, key.type);
    const value =
      key.type === "timestamptz"
        ? sql`('epoch'::timestamptz + ${c.k}::bigint * interval '1 microsecond')`
        : sql`${c.k}::text`;
    after =
      dir === "asc"
        ? sql`(${key.expr}, ${devices.id}) > (${value}, ${c.id})`
        : sql`(${key.expr}, ${devices.id}) < (${value}, ${c.id})`;
  }
  const order = dir === "asc" ? [asc(key.expr), asc(devices.id)] : [desc(key.expr), desc(devices.id)];
  const rows = await db
    .select({ device: devices, ownerEmail: users.email, sortKey: keyText(key) })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(and(fleetWhere(q), after))
    .orderBy(...order)
    .limit(limit + 1);
  const more = rows.length > limit;
  const page = more ? rows.slice(0, limit) : rows;
  const last = page[page.length - 1];
  return {
    rows: page,
    nextCursor: more && last ? encodeCursor({ k: last.sortKey, id: last.device.id }) : null,
    sort,
    dir,
  };
}

/** The ids of the devices a filter selects that are not released (what a bulk action may reach). */
export async function selectFleetIds(db: Db, f: FleetFilter, max: number): Promise<string[]> {
  const rows = await db
    .select({ id: devices.id })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(and(fleetWhere(f), isNull(devices.releasedAt)))
    .orderBy(asc(devices.id))
    .limit(max);
  return rows.map((r) => r.id);
}

export const summaryQuerySchema = z.strictObject({
  ...fleetFilterShape,
  silentHours: z.coerce.number().int().min(1).max(8760).optional(),
});

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
      neverReported: sql<number>`count(*) filter (where ${devices.releasedAt} is null and not exists (select 1 from ${measurements} where ${measurements.deviceId} = ${devices.id}))::int`,
      silent: sql<number>`count(*) filter (where ${devices.releasedAt} is null and ${live} and coalesce(${devices.lastSeenAt}, ${devices.createdAt}) < now() - ${silentHours} * interval '1 hour')::int`,
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
