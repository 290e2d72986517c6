import { describe, expect, it } from "vitest";
import { asc, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { measurements } from "../db/schema";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { MAX_MEASUREMENTS, storeMeasurements } from "./measurements";
import { withTestDatabase } from "../test-helpers";

// The batch insert sends whole columns as array literals: everything a device may send must come
// back exactly as sent, whatever characters a unit holds and whatever double a value is.

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

async function newDevice() {
  const owner = await insertAccount(database.db, "bulk");
  return (await claimTestDevice(database, cfg, owner)).deviceId;
}

const rowsOf = (deviceId: string) =>
  database.db.select().from(measurements).where(eq(measurements.deviceId, deviceId)).orderBy(asc(measurements.time));

describe("storeMeasurements: the one-statement batch insert", () => {
  it("stores units with quotes, backslashes, braces and commas, and a unit spelled NULL, exactly", async () => {
    const deviceId = await newDevice();
    const units = ['"', "\\", "{}", "a,b", "NULL", 'x\\"y', "'", "%RH", undefined];
    const batch = units.map((unit, i) => ({ property: "p", unit, time: 1768478000 + i, value: i }));
    expect(await storeMeasurements(database.db, deviceId, batch)).toEqual({ accepted: 9, duplicates: 0, rejected: [] });
    expect((await rowsOf(deviceId)).map((r) => r.unit)).toEqual(units.map((u) => u ?? null));
  });

  it("keeps every double exactly (fractions, tiny, huge, negative zero) and the time to the millisecond", async () => {
    const deviceId = await newDevice();
    const values = [0.1 + 0.2, 1 / 3, -123.456e-10, 5e-324, 1e15, -1e15, 2 ** 49 + 0.5, 123456789.12345679, 1e-7, -0];
    const batch = values.map((value, i) => ({ property: "v", time: `2026-01-15T10:00:0${i}.123456Z`, value }));
    await storeMeasurements(database.db, deviceId, batch);
    const rows = await rowsOf(deviceId);
    expect(rows.map((r) => r.value)).toEqual(values.map((v) => (Object.is(v, -0) ? 0 : v)));
    expect(rows[0].time.toISOString()).toBe("2026-01-15T10:00:00.123Z");
    // Columns the insert does not name take their defaults.
    expect(rows.every((r) => r.receivedAt instanceof Date)).toBe(true);
  });

  it("counts a reading repeated inside one batch once, and a half-new batch as half duplicates", async () => {
    const deviceId = await newDevice();
    const a = { property: "t", time: 1768478000, value: 1 };
    const b = { property: "t", time: 1768478001, value: 2 };
    expect(await storeMeasurements(database.db, deviceId, [a, a, b])).toEqual({
      accepted: 2,
      duplicates: 1,
      rejected: [],
    });
    const c = { property: "t", time: 1768478002, value: 3 };
    expect(await storeMeasurements(database.db, deviceId, [a, c, { value: 1 }])).toEqual({
      accepted: 1,
      duplicates: 1,
      rejected: [{ index: 2, code: "invalid_property" }],
    });
  });

  it("a full batch sent twice at once stores each reading once: accepted plus duplicates add up", async () => {
    const deviceId = await newDevice();
    const batch = Array.from({ length: MAX_MEASUREMENTS }, (_, k) => ({
      property: "temperature",
      unit: "Cel",
      time: 1768400000 + k,
      value: 20 + k / 100,
    }));
    const [r1, r2] = await Promise.all([
      storeMeasurements(database.db, deviceId, batch),
      storeMeasurements(database.db, deviceId, batch),
    ]);
    expect(r1.accepted + r2.accepted).toBe(MAX_MEASUREMENTS);
    expect(r1.duplicates + r2.duplicates).toBe(MAX_MEASUREMENTS);
    const rows = await rowsOf(deviceId);
    expect(rows).toHaveLength(MAX_MEASUREMENTS);
    expect(rows[999]).toMatchObject({ unit: "Cel", value: 20 + 999 / 100 });
  });
});
