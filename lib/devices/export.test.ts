import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { auditEvents, measurements } from "../db/schema";
import { AppError } from "../errors/app-error";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { csvResponse } from "../http/csv";
import { EXPORT_PAGE_ROWS, exportAllMeasurements, exportDeviceMeasurements, type CsvExport } from "./export";
import { releaseDevice } from "./lifecycle";
import { exportQuerySchema } from "./schemas";
import { shareDevice } from "./shares";
import { devices } from "../db/schema";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

/** The download as the route sends it (lib/http/csv.ts), as text with its byte-order mark. */
async function download(exp: CsvExport): Promise<ReadableStream<Uint8Array>> {
  const res = await csvResponse(exp.chunks, exp.filename);
  return res.body!;
}
async function text(exp: CsvExport | Promise<CsvExport>): Promise<string> {
  const body = await download(await exp);
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(await new Response(body).arrayBuffer());
}
/** The CSV's records without the byte-order mark and the final line break. */
const records = (csv: string) =>
  csv
    .replace(/^\uFEFF/, "")
    .replace(/\r\n$/, "")
    .split("\r\n");

describe("CSV export of one device's measurements", () => {
  it("has spreadsheet headers, ISO times in UTC, units and a verification column; the range is [from, to)", async () => {
    const owner = await insertAccount(database.db, "export-owner");
    const d = await claimTestDevice(database, cfg, owner);
    await database.db.insert(measurements).values([
      {
        deviceId: d.deviceId,
        property: "temperature",
        unit: "Cel",
        time: new Date("2026-01-01T00:00:00Z"),
        value: -3.5,
      },
      {
        deviceId: d.deviceId,
        property: "temperature",
        unit: "Cel",
        time: new Date("2026-01-02T00:00:00.250Z"),
        value: 20,
      },
      {
        deviceId: d.deviceId,
        property: "humidity",
        unit: "%",
        time: new Date("2026-01-01T12:00:00Z"),
        value: 40,
        verification: "none",
      },
      {
        deviceId: d.deviceId,
        property: "humidity",
        unit: "%",
        time: new Date("2026-01-01T13:00:00Z"),
        value: 41,
        verification: "secret",
      },
      {
        deviceId: d.deviceId,
        property: "co2",
        unit: '=HYPERLINK("x")',
        time: new Date("2026-01-01T00:00:00Z"),
        value: 1,
      },
    ]);
    const all = await exportDeviceMeasurements(database.db, owner.id, d.deviceId, {});
    expect(all.filename).toBe(`${d.deviceId}-measurements.csv`);
    const csv = await text(all);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(records(csv)).toEqual([
      "time (UTC),property,value,unit,verification",
      `2026-01-01T00:00:00.000Z,co2,1,"'=HYPERLINK(""x"")",signed`,
      "2026-01-01T12:00:00.000Z,humidity,40,%,none",
      "2026-01-01T13:00:00.000Z,humidity,41,%,secret",
      "2026-01-01T00:00:00.000Z,temperature,-3.5,Cel,signed",
      "2026-01-02T00:00:00.250Z,temperature,20,Cel,signed",
    ]);
    const range = exportQuerySchema.parse({ from: "2026-01-01T06:00:00Z", to: "2026-01-02" });
    const ranged = records(await text(exportDeviceMeasurements(database.db, owner.id, d.deviceId, range)));
    expect(ranged.slice(1)).toEqual([
      "2026-01-01T12:00:00.000Z,humidity,40,%,none",
      "2026-01-01T13:00:00.000Z,humidity,41,%,secret",
    ]);
  });

  it("streams page by page: more readings than a page each come out exactly once, in order", async () => {
    const owner = await insertAccount(database.db, "export-owner");
    const d = await claimTestDevice(database, cfg, owner);
    const n = EXPORT_PAGE_ROWS * 2 + 7;
    await database.db.execute(sql`
      insert into measurements (device_id, property, time, value)
      select ${d.deviceId}, case when i % 2 = 0 then 'a' else 'b' end,
             timestamptz '2025-01-01T00:00:00Z' + make_interval(mins => 5 * i), i
      from generate_series(1, ${n}) as i`);
    const body = await download(await exportDeviceMeasurements(database.db, owner.id, d.deviceId, {}));
    const reader = body.getReader();
    let chunks = 0;
    let csv = "";
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      csv += new TextDecoder("utf-8", { ignoreBOM: true }).decode(value);
    }
    expect(chunks).toBeGreaterThanOrEqual(3); // header, then one chunk per page
    const rows = records(csv).slice(1);
    expect(rows).toHaveLength(n);
    expect(new Set(rows).size).toBe(n);
    const values = rows.map((r) => Number(r.split(",")[2]));
    expect(values.slice(0, 3)).toEqual([2, 4, 6]);
  });

  it("another account (or a malformed range) gets nothing", async () => {
    const owner = await insertAccount(database.db, "export-owner");
    const other = await insertAccount(database.db, "export-other");
    const d = await claimTestDevice(database, cfg, owner);
    const refused = await exportDeviceMeasurements(database.db, other.id, d.deviceId, {}).catch((e: AppError) => e);
    expect(refused).toMatchObject({ code: "device_not_found" });
    for (const q of [
      { from: "yesterday" },
      { from: "2026-01-02", to: "2026-01-01" },
      { range: "all" },
      { from: "0000-01-01" },
      { to: "+010000-01-01T00:00:00Z" },
    ])
      expect(exportQuerySchema.safeParse(q).success, JSON.stringify(q)).toBe(false);
  });

  it("reads the first page before answering: a query that fails is an error, never an empty download", async () => {
    const owner = await insertAccount(database.db, "export-first-page");
    const d = await claimTestDevice(database, cfg, owner);
    // A range PostgreSQL refuses (the API's schema refuses it first, with a 400).
    const range = { from: new Date("0000-01-01T00:00:00Z") };
    await expect(
      download(await exportDeviceMeasurements(database.db, owner.id, d.deviceId, range)),
    ).rejects.toBeDefined();
    const actor = { id: owner.id, label: owner.email, ip: null };
    await expect(download(await exportAllMeasurements(database.db, actor, range))).rejects.toBeDefined();
  });

  it("a viewer exports too; a released device's former owner gets its readings up to the release only", async () => {
    const owner = await insertAccount(database.db, "export-owner");
    const viewer = await insertAccount(database.db, "export-viewer");
    const d = await claimTestDevice(database, cfg, owner);
    const releasedAt = new Date("2026-03-01T12:00:00Z");
    await database.db.insert(measurements).values([
      { deviceId: d.deviceId, property: "temperature", time: new Date("2026-03-01T11:00:00Z"), value: 20 },
      { deviceId: d.deviceId, property: "temperature", time: releasedAt, value: 21 },
      { deviceId: d.deviceId, property: "temperature", time: new Date("2026-03-01T13:00:00Z"), value: 22 },
    ]);
    await shareDevice(database.db, owner, d.deviceId, viewer.email);
    const values = async (userId: string) =>
      records(await text(exportDeviceMeasurements(database.db, userId, d.deviceId, {})))
        .slice(1)
        .map((r) => Number(r.split(",")[2]));
    expect(await values(viewer.id)).toEqual([20, 21, 22]);

    await releaseDevice(database.db, owner, d.deviceId);
    await database.db.update(devices).set({ releasedAt }).where(eq(devices.id, d.deviceId));
    expect(await values(owner.id)).toEqual([20, 21]);
    const refused = await exportDeviceMeasurements(database.db, viewer.id, d.deviceId, {}).catch((e: AppError) => e);
    expect(refused).toMatchObject({ code: "device_not_found" }); // the release ended the share
  });
});

describe("CSV export of every device's measurements (staff)", () => {
  it("has device id and name columns, and is audited", async () => {
    const owner = await insertAccount(database.db, "export-owner");
    const staff = await insertAccount(database.db, "export-staff", "staff");
    const d = await claimTestDevice(database, cfg, owner);
    const at = new Date(Date.UTC(2020, 0, 1, 0, 0, 0, Math.floor(Math.random() * 1e6)));
    await database.db
      .insert(measurements)
      .values({ deviceId: d.deviceId, property: "temperature", time: at, value: 7 });
    const rows = records(
      await text(exportAllMeasurements(database.db, staff, { from: at, to: new Date(at.getTime() + 1) })),
    );
    expect(rows[0]).toBe("device id,device name,time (UTC),property,value,unit,verification");
    expect(rows.slice(1)).toContain(`${d.deviceId},${d.name},${at.toISOString()},temperature,7,,signed`);
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.actorId, staff.id));
    expect(events.map((e) => [e.action, e.detail])).toEqual([
      ["measurements.exported", { from: at.toISOString(), to: new Date(at.getTime() + 1).toISOString() }],
    ]);
  });
});
