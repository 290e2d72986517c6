import { and, asc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { devices, measurements, type VerificationLevel } from "../db/schema";
import { AppError } from "../errors/app-error";
import { loggableError } from "../errors/problem";
import { viewableDevice } from "./access";

// CSV exports of measurements, streamed page by page (keyset pagination over the primary key),
// so a year of 5-minute readings never sits in memory: each page is read, written and dropped.

export const EXPORT_PAGE_ROWS = 2000;
export type ExportRange = { from?: Date; to?: Date };

/** A spreadsheet cell: quoted when it holds a comma, quote or line break; text that a spreadsheet
 * would run as a formula (=, +, -, @, tab, CR first) gets a leading apostrophe. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const line = (cells: string[]) => cells.join(",") + "\r\n";
/** Spreadsheets (Excel above all) read the file as UTF-8 only with a byte-order mark. */
const BOM = "\uFEFF";

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

/**
 * Pages of rows after a cursor as a CSV stream. The first page is read before this resolves, so
 * a query that fails is still an error answer (problem+json), never an empty 200; a later page
 * that fails ends the download broken, and the log gets the error without the query's parameters.
 */
async function csvStream<C>(
  header: string[],
  page: (cursor: C | null) => Promise<{ lines: string[]; next: C | null }>,
): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const first = await page(null);
  let cursor = first.next;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(encoder.encode(BOM + line(header) + first.lines.join("")));
      if (cursor === null) controller.close();
    },
    async pull(controller) {
      try {
        const { lines, next } = await page(cursor);
        if (lines.length > 0) controller.enqueue(encoder.encode(lines.join("")));
        if (next === null) controller.close();
        cursor = next;
      } catch (err) {
        console.error("[csv] measurement export failed mid-stream:", loggableError(err));
        controller.error(new Error("The export failed."));
      }
    },
  });
}

const DEVICE_HEADER = ["time (UTC)", "property", "value", "unit", "verification"];
const STAFF_HEADER = ["device id", "device name", ...DEVICE_HEADER];

function cells(r: Row): string[] {
  return [r.time.toISOString(), csvCell(r.property), String(r.value), csvCell(r.unit ?? ""), r.verification];
}

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
): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  const viewable = await viewableDevice(db, userId, deviceId);
  if (!viewable) throw new AppError("device_not_found", "No such device.");
  // A released device's former owner reads its history up to the release, nothing later.
  const releasedAt = viewable.device.releasedAt;
  if (releasedAt) {
    const end = new Date(releasedAt.getTime() + 1);
    range = { ...range, to: range.to && range.to < end ? range.to : end };
  }
  const body = await csvStream<{ property: string; time: Date }>(DEVICE_HEADER, async (cursor) => {
    const rows: Row[] = await db
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
            ? sql`(${measurements.property}, ${measurements.time}) > (${cursor.property}, ${cursor.time.toISOString()}::timestamptz)`
            : undefined,
        ),
      )
      .orderBy(asc(measurements.property), asc(measurements.time))
      .limit(EXPORT_PAGE_ROWS);
    const last = rows.at(-1);
    return {
      lines: rows.map((r) => line(cells(r))),
      next: rows.length === EXPORT_PAGE_ROWS && last ? { property: last.property, time: last.time } : null,
    };
  });
  return { filename: `${deviceId}-measurements.csv`, body };
}

/** Every device's readings as CSV for staff, with device id and name columns; the export is audited. */
export async function exportAllMeasurements(
  db: Db,
  actor: Actor,
  range: ExportRange,
): Promise<{ filename: string; body: ReadableStream<Uint8Array> }> {
  await recordAudit(db, actor, {
    action: "measurements.exported",
    outcome: "success",
    detail: { from: range.from?.toISOString() ?? null, to: range.to?.toISOString() ?? null },
  });
  type Cursor = { deviceId: string; property: string; time: Date };
  const body = await csvStream<Cursor>(STAFF_HEADER, async (cursor) => {
    const rows = await db
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
            ? sql`(${measurements.deviceId}, ${measurements.property}, ${measurements.time}) > (${cursor.deviceId}, ${cursor.property}, ${cursor.time.toISOString()}::timestamptz)`
            : undefined,
        ),
      )
      .orderBy(asc(measurements.deviceId), asc(measurements.property), asc(measurements.time))
      .limit(EXPORT_PAGE_ROWS);
    const last = rows.at(-1);
    return {
      lines: rows.map((r) => line([csvCell(r.deviceId), csvCell(r.name), ...cells(r)])),
      next:
        rows.length === EXPORT_PAGE_ROWS && last
          ? { deviceId: last.deviceId, property: last.property, time: last.time }
          : null,
    };
  });
  return { filename: "measurements.csv", body };
}
