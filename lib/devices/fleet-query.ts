import { and, asc, desc, eq, ilike, isNotNull, isNull, or, sql, type SQL } from "drizzle-orm";
import type { Db } from "../db/client";
import { containsPattern } from "../db/search";
import { deviceCredentials, devices, legacyNodes, users } from "../db/schema";
import { decodeCursor, encodeCursor } from "./fleet-cursor";
import { type FleetFilter, type FleetPageQuery, type FleetSort, type FleetStatus } from "./schemas";

// The staff's fleet query: a filter (lib/devices/schemas.ts) as one SQL predicate, a sort and a
// keyset cursor (fleet-cursor.ts). The same predicate drives the list, the summary
// (fleet-summary.ts), the CSV export and bulk actions, so "what I see" and "what a bulk action
// reaches" are one SQL predicate.

// A device is online while heard from within two and a half measurement intervals (at least
// 90 s), as deviceStatus in views.ts; lost or stolen when its owner said so; revoked when it
// holds no live credential.
export const live = sql`exists (
  select 1 from ${deviceCredentials}
  where ${deviceCredentials.deviceId} = ${devices.id} and ${deviceCredentials.revokedAt} is null)`;
// A legacy node's record: unsigned data by hardware id, no credential by design (docs/legacy-ingest.md).
const legacyRecord = sql`exists (select 1 from ${legacyNodes} where ${legacyNodes.deviceId} = ${devices.id})`;
const heardRecently = sql`coalesce(
  ${devices.lastSeenAt} > now() - greatest(90, ${devices.measurementIntervalSeconds} * 2.5) * interval '1 second',
  false)`;

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
export const statusExpression = sql<FleetStatus>`case
  when ${devices.releasedAt} is not null then 'released'
  when ${legacyRecord} then 'legacy'
  when ${devices.lostAt} is not null then 'lost'
  when not ${live} then 'revoked'
  when ${heardRecently} then 'online'
  else 'offline' end`;

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
