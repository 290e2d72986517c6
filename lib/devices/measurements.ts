import { count, desc, eq, inArray, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { devices, measurements } from "../db/schema";
import { AppError } from "../errors/app-error";
import { isUniqueViolation } from "../errors/validate";
import { countHit, countHitStatement, limitStateOf, type LimitState } from "../rate-limit";

export const MAX_MEASUREMENTS = 1000;
export const MAX_MEASUREMENTS_BYTES = 256 * 1024;
const MAX_FUTURE_MS = 3600_000; // a reading more than an hour ahead of the server clock is refused
/** The earliest time accepted, 2000-01-01T00:00:00Z: PostgreSQL refuses year 0000, and no device predates it. */
export const MIN_TIME_MS = Date.UTC(2000, 0, 1);
/**
 * The largest magnitude accepted. Far beyond any physical reading, and small enough that the
 * chart's `avg` over a bucket never overflows a double (SECURITY.md "Limits").
 */
export const MAX_ABS_VALUE = 1e15;

export type ItemCode =
  "invalid_item" | "unknown_field" | "invalid_property" | "invalid_unit" | "invalid_time" | "invalid_value";
export type StoreResult = { accepted: number; duplicates: number; rejected: { index: number; code: ItemCode }[] };

const FIELDS = new Set(["property", "unit", "time", "value"]);
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/;

export type Row = { property: string; unit: string | null; time: Date; value: number };

function readTime(t: unknown): Date | null {
  if (typeof t === "number") return Number.isFinite(t) && t >= 0 && t < 1e11 ? new Date(Math.round(t * 1000)) : null;
  if (typeof t !== "string" || !RFC3339.test(t)) return null;
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? null : new Date(ms);
}

/** Checks one item; a bad item is reported by index and never costs the good ones. */
export function checkItem(item: unknown, now = Date.now()): Row | ItemCode {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return "invalid_item";
  const o = item as Record<string, unknown>;
  if (Object.keys(o).some((k) => !FIELDS.has(k))) return "unknown_field";
  if (typeof o.property !== "string" || !/^[a-z][a-z0-9_.-]{0,63}$/.test(o.property)) return "invalid_property";
  if (o.unit !== undefined && (typeof o.unit !== "string" || !/^[\x21-\x7e]{1,16}$/.test(o.unit)))
    return "invalid_unit";
  const time = readTime(o.time);
  if (!time || time.getTime() < MIN_TIME_MS || time.getTime() > now + MAX_FUTURE_MS) return "invalid_time";
  if (typeof o.value !== "number" || !Number.isFinite(o.value) || Math.abs(o.value) > MAX_ABS_VALUE)
    return "invalid_value";
  return { property: o.property, unit: (o.unit as string | undefined) ?? null, time, value: o.value };
}

/**
 * Stores a device's batch (docs/protocol.md section 4). The same (device, property, time) again is
 * a duplicate, not an error, so a resent batch neither loses nor doubles anything.
 */
export async function storeMeasurements(db: Db, deviceId: string, items: unknown[]): Promise<StoreResult> {
  const { rows, rejected } = checkItems(items);
  if (rows.length === 0) return { accepted: 0, duplicates: 0, rejected };
  const accepted = await insertRows(db, deviceId, rows);
  return { accepted, duplicates: rows.length - accepted, rejected };
}

function checkItems(items: unknown[]): { rows: Row[]; rejected: StoreResult["rejected"] } {
  const rows: Row[] = [];
  const rejected: StoreResult["rejected"] = [];
  const now = Date.now();
  items.forEach((item, index) => {
    const r = checkItem(item, now);
    if (typeof r === "string") rejected.push({ index, code: r });
    else rows.push(r);
  });
  return { rows, rejected };
}

/** A PostgreSQL array literal of text: each element quoted (`\\` and `"` escaped), null as NULL. */
export function textArray(xs: (string | null)[]): string {
  let out = "{";
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i];
    if (i > 0) out += ",";
    out += x === null ? "NULL" : `"${x.replace(/[\\"]/g, "\\$&")}"`;
  }
  return out + "}";
}

/**
 * Inserts the batch and returns how many rows were new. The batch goes as four array parameters
 * unnested into rows, instead of a VALUES list of 5 parameters per reading built from ORM value
 * objects (1000 readings: 5 parameters, not 5000). The arrays travel as literals, the same on
 * postgres.js and PGlite; a number's shortest round-trip text parses back to the same double,
 * and times go as Unix seconds (to_timestamp rounds to the microsecond, so milliseconds come
 * back exact). Columns it does not name take their defaults.
 *
 * A plain INSERT first: it costs PostgreSQL about half of `ON CONFLICT DO NOTHING` (measured:
 * 100,000 rows in 160 against 300 ms), and a batch is nearly always new. If any reading is
 * already stored (a resent batch, or the same reading twice in it), that one statement fails
 * and undoes itself, and the batch goes again with ON CONFLICT DO NOTHING, which counts the
 * duplicates. So `db` must not be inside a transaction (the failed statement would abort it).
 */
async function insertRows(db: Db, deviceId: string, rows: Row[]): Promise<number> {
  const select = rowsSelect(deviceId, rows);
  try {
    await db.execute(sql`insert into measurements (device_id, property, unit, time, value) ${select}`);
    return rows.length;
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  return insertNew(db, select);
}

/** The batch as a SELECT of (device, property, unit, time, value) rows: four arrays unnested. */
function rowsSelect(deviceId: string, rows: Row[], where = sql``) {
  const a = arraysOf(rows);
  return arraysSelect(deviceId, [a.r_properties, a.r_units, a.r_times, a.r_values], where);
}

/** The four arrays' literals: properties and units as text, times (Unix seconds) and values as float8. */
function arraysOf(rows: Row[]) {
  const n = rows.length;
  const properties = new Array<string>(n);
  const units = new Array<string | null>(n);
  let times = "{";
  let values = "{";
  for (let i = 0; i < n; i++) {
    const r = rows[i];
    properties[i] = r.property;
    units[i] = r.unit;
    const sep = i > 0 ? "," : "";
    times += sep + String(r.time.getTime() / 1000);
    values += sep + String(r.value);
  }
  times += "}";
  values += "}";
  return { r_properties: textArray(properties), r_units: textArray(units), r_times: times, r_values: values };
}

function arraysSelect(deviceId: unknown, [properties, units, times, values]: unknown[], where = sql``) {
  return sql`
    select ${deviceId}, p, u, to_timestamp(t), v
      from unnest(${properties}::text[], ${units}::text[],
                  ${times}::float8[], ${values}::float8[]) as x(p, u, t, v) ${where}`;
}

/** Inserts the rows not yet stored; returns how many were new. */
async function insertNew(db: Db, select: ReturnType<typeof rowsSelect>): Promise<number> {
  const [{ inserted }] = rowsOf<{ inserted: number | string }>(
    await db.execute(sql`
      with ins as (
        insert into measurements (device_id, property, unit, time, value) ${select}
        on conflict do nothing
        returning 1
      )
      select count(*)::int as inserted from ins`),
  );
  return Number(inserted);
}

/** A model entry's listed properties, null when the model has no entry (lib/models/registry.ts). */
export type ListedProperties = Set<string> | null;

function listedOf(properties: unknown): ListedProperties {
  if (properties === null || properties === undefined) return null;
  const list = (typeof properties === "string" ? JSON.parse(properties) : properties) as { property: string }[];
  return new Set(list.map((p) => p.property));
}

/**
 * A device's report in one statement (docs/protocol.md section 4), for the everyday case:
 * counts the batch against the device's per-minute limit, stores its rows unless that limit
 * is passed, and reads the device model's listed properties (for `flagUnlistedProperties`).
 * It answers as `limitIngest` then `storeMeasurements` would, in that order: `rate_limited`
 * past the limit (nothing stored), else the stored counts. A batch with a reading already
 * stored fails as one statement, undoing its count too, and goes again the long way.
 */
export async function limitAndStore(
  db: Db,
  device: { id: string; model: string },
  perMinute: number,
  items: unknown[],
): Promise<{ result: StoreResult; listed: ListedProperties }> {
  const { rows, rejected } = checkItems(items);
  const listedSql = sql`(select properties from device_models where model = ${device.model})`;
  if (rows.length > 0) {
    // Stored only if the count (below) allows it.
    const select = rowsSelect(device.id, rows, sql`where (select count from lim) <= ${perMinute}`);
    try {
      const [row] = rowsOf<{ count: number | string; remaining: number | string; properties: unknown }>(
        await db.execute(sql`
          with lim as (${countHitStatement(ingestKey(device.id), { windowSeconds: 60 })}),
          ins as (
            insert into measurements (device_id, property, unit, time, value) ${select}
          )
          select lim.count, lim.remaining, ${listedSql} as properties from lim`),
      );
      throwIfLimited(limitStateOf(row), perMinute);
      return { result: { accepted: rows.length, duplicates: 0, rejected }, listed: listedOf(row.properties) };
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
    }
  }
  await limitIngest(db, device.id, perMinute);
  const accepted = rows.length > 0 ? await insertNew(db, rowsSelect(device.id, rows)) : 0;
  const [row] = rowsOf<{ properties: unknown }>(await db.execute(sql`select ${listedSql} as properties`));
  return { result: { accepted, duplicates: rows.length - accepted, rejected }, listed: listedOf(row.properties) };
}

/**
 * A report fused into the statement that takes its nonce (lib/devices/signed-request.ts): the
 * count against the device's limit and the rows, each only once the nonce was taken and only
 * for a device outside any study, the rows only within the limit; and the model's listed
 * properties. Null for a batch with no valid reading (the handler answers it).
 */
export function fusedReport(deviceId: string, perMinute: number, items: unknown[]) {
  const { rows, rejected } = checkItems(items);
  if (rows.length === 0) return null;
  const ph = (name: string) => sql.placeholder(name);
  return {
    key: "report",
    build(db: Db) {
      const when = sql`exists (select 1 from n) and (select study_id from devices where id = ${ph("r_device")}) is null`;
      const key = sql`'ingest:device:' || ${ph("r_device")}::text`;
      const lim = db
        .$with("lim", { count: sql<number>`count`, remaining: sql<number>`remaining` })
        .as(countHitStatement(key, { windowSeconds: 60 }, when));
      const ins = db.$with("ins", {}).as(sql`
        insert into measurements (device_id, property, unit, time, value)
        ${arraysSelect(
          ph("r_device"),
          [ph("r_properties"), ph("r_units"), ph("r_times"), ph("r_values")],
          sql`where (select count from lim) <= ${ph("r_max")}::int`,
        )}`);
      return {
        with: [lim, ins],
        columns: {
          count: sql`(select count from lim)`,
          remaining: sql`(select remaining from lim)`,
          properties: sql`(select properties from device_models where model = ${devices.model})`,
        },
      };
    },
    values: { r_device: deviceId, r_max: perMinute, ...arraysOf(rows) },
    /** The same work, for a statement shared with other devices' reports (lib/devices/report-batch.ts). */
    batch: { deviceId, perMinute, rows },
    /** The answer, or null when nothing was counted (a device in a study: the handler's way). */
    answer(columns: Record<string, unknown>): { result: StoreResult; listed: ListedProperties } | null {
      if (columns.count === null || columns.count === undefined) return null;
      throwIfLimited(limitStateOf(columns as { count: number; remaining: number }), perMinute);
      // A shared statement (lib/devices/report-batch.ts) counts the rows that were new; its own
      // fails whole on a stored one instead, so all of them were.
      const accepted = columns.inserted === undefined ? rows.length : Number(columns.inserted);
      return {
        result: { accepted, duplicates: rows.length - accepted, rejected },
        listed: listedOf(columns.properties),
      };
    },
  };
}

const ingestKey = (deviceId: string) => `ingest:device:${deviceId}`;

function throwIfLimited(limit: LimitState, perMinute: number) {
  if (limit.count > perMinute)
    throw new AppError(
      "rate_limited",
      `More than ${perMinute} measurement batches this minute. Send them again in ${limit.retryAfterSeconds} s.`,
      { retryAfterSeconds: limit.retryAfterSeconds },
    );
}

/**
 * Counts one batch against the device's per-minute limit; throws `rate_limited` (429, with the
 * wait) past it. The device keeps its readings and sends them again after the wait.
 */
export async function limitIngest(db: Db, deviceId: string, perMinute: number): Promise<void> {
  throwIfLimited(await countHit(db, ingestKey(deviceId), { max: perMinute, windowSeconds: 60 }), perMinute);
}

/** The newest reading of each property of a device. */
export async function latestMeasurements(db: Db, deviceId: string) {
  return db
    .selectDistinctOn([measurements.property], {
      property: measurements.property,
      unit: measurements.unit,
      time: measurements.time,
      value: measurements.value,
    })
    .from(measurements)
    .where(eq(measurements.deviceId, deviceId))
    .orderBy(measurements.property, desc(measurements.time));
}

/** How many readings these devices hold (0 for none): what a withdrawal or a deletion would erase or keep. */
export async function countReadings(db: Db, deviceIds: string[]): Promise<number> {
  if (deviceIds.length === 0) return 0;
  const [{ n }] = await db.select({ n: count() }).from(measurements).where(inArray(measurements.deviceId, deviceIds));
  return Number(n);
}
