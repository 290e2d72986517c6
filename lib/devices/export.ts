import { and, asc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { devices, measurements, type VerificationLevel } from "../db/schema";
import { AppError } from "../errors/app-error";
import { csvChunks, type CsvValue } from "../csv";
import { viewableDevice } from "./access";

// CSV exports of measurements, streamed page by page (keyset pagination over the primary key),
// so a year of 5-minute readings never sits in memory: each page is read, written and dropped.

export const EXPORT_PAGE_ROWS = 2000;
export type ExportRange = { from?: Date; to?: Date };

type Row = {
  deviceId: string;
  property: string;
  time: Date;
  unit: string | null;
  value: number;
  verification: VerificationLevel;
};

function rangeWhere(range: ExportRange): SQL[] {
  const w: SQL[] = [];
  if (range.from) w.push(gte(measurements.time, range.from));
  if (range.to) w.push(lt(measurements.time, range.to));
  return w;
}

/** Pages of rows after a keyset cursor, read one at a time as the download is consumed. */
async function* keysetPages<R, C>(
  page: (cursor: C | null) => Promise<R[]>,
  cursorOf: (last: R) => C,
): AsyncGenerator<R[]> {
  let cursor: C | null = null;
  for (;;) {
    const rows = await page(cursor);
    yield rows;
    const last = rows.at(-1);
    if (rows.length < EXPORT_PAGE_ROWS || !last) return;
    cursor = cursorOf(last);
  }
}

const DEVICE_HEADER = ["time (UTC)", "property", "value", "unit", "verification"];
const STAFF_HEADER = ["device id", "device name", ...DEVICE_HEADER];

const cells = (r: Row): CsvValue[] => [r.time, r.property, r.value, r.unit, r.verification];
export type CsvExport = { filename: string; chunks: AsyncGenerator<string> };

/**
 * One device's readings as CSV, for its owner or a viewer (else `device_not_found`): time in
 * UTC (ISO 8601), property, value, unit, and how the sender was verified (`verification`:
 * signed, secret or none; docs/legacy-ingest.md).
 */
export async function exportDeviceMeasurements(
  db: Db,
  userId: string,
  deviceId: string,
  range: ExportRange,
): Promise<CsvExport> {
  const viewable = await viewableDevice(db, userId, deviceId);
  if (!viewable) throw new AppError("device_not_found", "No such device.");
  // A released device's former owner reads its history up to the release, nothing later.
  const releasedAt = viewable.device.releasedAt;
  if (releasedAt) {
    const end = new Date(releasedAt.getTime() + 1);
    range = { ...range, to: range.to && range.to < end ? range.to : end };
  }
  type Cursor = { property: string; time: Date };
  const pages = keysetPages<Row, Cursor>(
    (cursor) =>
      db
        .select({
          deviceId: measurements.deviceId,
          property: measurements.property,
          time: measurements.time,
          unit: measurements.unit,
          value: measurements.value,
          verification: measurements.verification,
        })
        .from(measurements)
        .where(
          and(
            eq(measurements.deviceId, deviceId),
            ...rangeWhere(range),
            cursor
              ? sql`(${measurements.property}, ${measurements.time})
                > (${cursor.property}, ${cursor.time.toISOString()}::timestamptz)`
              : undefined,
          ),
        )
        .orderBy(asc(measurements.property), asc(measurements.time))
        .limit(EXPORT_PAGE_ROWS),
    (last) => ({ property: last.property, time: last.time }),
  );
  return { filename: `${deviceId}-measurements.csv`, chunks: csvChunks(DEVICE_HEADER, pages, cells) };
}

/** Every device's readings as CSV for staff, with device id and name columns; the export is audited. */
export async function exportAllMeasurements(db: Db, actor: Actor, range: ExportRange): Promise<CsvExport> {
  await recordAudit(db, actor, {
    action: "measurements.exported",
    outcome: "success",
    detail: { from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null },
  });
  type Cursor = { deviceId: string; property: string; time: Date };
  const pages = keysetPages<Row & { name: string }, Cursor>(
    (cursor) =>
      db
        .select({
          deviceId: measurements.deviceId,
          name: devices.name,
          property: measurements.property,
          time: measurements.time,
          unit: measurements.unit,
          value: measurements.value,
          verification: measurements.verification,
        })
        .from(measurements)
        .innerJoin(devices, eq(devices.id, measurements.deviceId))
        .where(
          and(
            ...rangeWhere(range),
            cursor
              ? sql`(${measurements.deviceId}, ${measurements.property}, ${measurements.time})
                > (${cursor.deviceId}, ${cursor.property}, ${cursor.time.toISOString()}::timestamptz)`
              : undefined,
          ),
        )
        .orderBy(asc(measurements.deviceId), asc(measurements.property), asc(measurements.time))
        .limit(EXPORT_PAGE_ROWS),
    (last) => ({ deviceId: last.deviceId, property: last.property, time: last.time }),
  );
  return {
    filename: "measurements.csv",
    chunks: csvChunks(STAFF_HEADER, pages, (r) => [r.deviceId, r.name, ...cells(r)]),
  };
}
