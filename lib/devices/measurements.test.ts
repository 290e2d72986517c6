import { describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { measurements } from "../db/schema";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { checkItem, latestMeasurements, storeMeasurements } from "./measurements";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

const NOW = Date.parse("2026-01-15T12:00:00Z");
const ok = { property: "temperature", unit: "Cel", time: "2026-01-15T11:59:00Z", value: 20.5 };

describe("checkItem: each item judged on its own, with its own code", () => {
  it("accepts RFC 3339 times (Z or offset, fractions) and Unix seconds", () => {
    for (const time of ["2026-01-15T11:59:00Z", "2026-01-15t11:59:00.123456789+01:00", 1768478340, 946684800]) {
      const r = checkItem({ ...ok, time }, NOW);
      expect(typeof r).toBe("object");
    }
    expect(checkItem({ property: "co2", time: 1768478340, value: 400 }, NOW)).toEqual({
      property: "co2",
      unit: null,
      time: new Date(1768478340_000),
      value: 400,
    });
  });

  it.each([
    [null, "invalid_item"],
    [[ok], "invalid_item"],
    ["temperature", "invalid_item"],
    [{ ...ok, extra: 1 }, "unknown_field"],
    [{ ...ok, property: "Temperature" }, "invalid_property"],
    [{ ...ok, property: "" }, "invalid_property"],
    [{ ...ok, property: "a".repeat(65) }, "invalid_property"],
    [{ ...ok, property: 7 }, "invalid_property"],
    [{ ...ok, unit: "" }, "invalid_unit"],
    [{ ...ok, unit: "deg C" }, "invalid_unit"],
    [{ ...ok, unit: "x".repeat(17) }, "invalid_unit"],
    [{ ...ok, time: "2026-01-15 11:59:00" }, "invalid_time"],
    [{ ...ok, time: "2026-02-30T00:00:00Z" }, "invalid_time"],
    [{ ...ok, time: "2026-01-15T13:00:01Z" }, "invalid_time"], // more than an hour ahead
    [{ ...ok, time: -1 }, "invalid_time"],
    [{ ...ok, time: 1e11 }, "invalid_time"],
    [{ ...ok, time: undefined }, "invalid_time"],
    [{ ...ok, value: "20" }, "invalid_value"],
    [{ ...ok, value: null }, "invalid_value"],
    // Bounds (SECURITY.md "Limits"): not before 2000, magnitude at most 1e15.
    [{ ...ok, time: "0000-01-01T00:00:00Z" }, "invalid_time"],
    [{ ...ok, time: "1999-12-31T23:59:59Z" }, "invalid_time"],
    [{ ...ok, time: 0 }, "invalid_time"],
    [{ ...ok, time: 946684799 }, "invalid_time"],
    [{ ...ok, value: 1.7e308 }, "invalid_value"],
    [{ ...ok, value: -1e15 - 1 }, "invalid_value"],
  ])("%j is %s", (item, code) => {
    expect(checkItem(item, NOW)).toBe(code);
  });

  it("accepts a reading up to an hour ahead of the server clock", () => {
    expect(typeof checkItem({ ...ok, time: "2026-01-15T13:00:00Z" }, NOW)).toBe("object");
  });

  it("accepts the bounds themselves: 2000-01-01 and a magnitude of 1e15", () => {
    expect(typeof checkItem({ ...ok, time: "2000-01-01T00:00:00Z" }, NOW)).toBe("object");
    expect(typeof checkItem({ ...ok, value: 1e15 }, NOW)).toBe("object");
    expect(typeof checkItem({ ...ok, value: -1e15 }, NOW)).toBe("object");
  });
});

describe("storeMeasurements", () => {
  it("is idempotent: the same batch twice stores once and reports duplicates", async () => {
    const owner = await insertAccount(database.db, "meas");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    const batch = [
      { property: "temperature", unit: "Cel", time: "2026-01-15T10:00:00Z", value: 20 },
      { property: "temperature", unit: "Cel", time: "2026-01-15T10:01:00Z", value: 21 },
      { property: "humidity", unit: "%RH", time: "2026-01-15T10:00:00Z", value: 40 },
    ];
    expect(await storeMeasurements(database.db, deviceId, batch)).toEqual({
      accepted: 3,
      duplicates: 0,
      rejected: [],
    });
    expect(await storeMeasurements(database.db, deviceId, batch)).toEqual({
      accepted: 0,
      duplicates: 3,
      rejected: [],
    });
    const rows = await database.db.select().from(measurements).where(eq(measurements.deviceId, deviceId));
    expect(rows).toHaveLength(3);
    // A resend with a changed value does not overwrite what was stored first.
    await storeMeasurements(database.db, deviceId, [{ ...batch[0], value: 99 }]);
    const [first] = await database.db
      .select()
      .from(measurements)
      .where(and(eq(measurements.deviceId, deviceId), eq(measurements.value, 20)));
    expect(first).toBeTruthy();
  });

  it("a bad item never costs the good ones: each rejected item is reported by index", async () => {
    const owner = await insertAccount(database.db, "meas");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    const r = await storeMeasurements(database.db, deviceId, [
      { property: "temperature", time: "2026-01-15T10:00:00Z", value: 20 },
      { property: "temperature", time: "yesterday", value: 20 },
      "garbage",
      { property: "temperature", time: "2026-01-15T10:05:00Z", value: 21, colour: "red" },
      { property: "temperature", time: "2026-01-15T10:10:00Z", value: 22 },
    ]);
    expect(r).toEqual({
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 1, code: "invalid_time" },
        { index: 2, code: "invalid_item" },
        { index: 3, code: "unknown_field" },
      ],
    });
    expect(await database.db.select().from(measurements).where(eq(measurements.deviceId, deviceId))).toHaveLength(2);
  });

  it("a year 0000 or a huge value costs only its own item, never the batch (was a 500)", async () => {
    const owner = await insertAccount(database.db, "meas");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    const r = await storeMeasurements(database.db, deviceId, [
      { property: "temperature", time: "0000-01-01T00:00:00Z", value: 20 },
      { property: "temperature", time: "2026-01-15T10:00:00Z", value: 20 },
      { property: "temperature", time: "2026-01-15T10:00:01Z", value: 1.7e308 },
      { property: "temperature", time: "2026-01-15T10:00:02Z", value: 1.7e308 },
    ]);
    expect(r).toEqual({
      accepted: 1,
      duplicates: 0,
      rejected: [
        { index: 0, code: "invalid_time" },
        { index: 2, code: "invalid_value" },
        { index: 3, code: "invalid_value" },
      ],
    });
  });

  it("a batch of only bad items stores nothing; an empty batch is fine", async () => {
    const owner = await insertAccount(database.db, "meas");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    expect(await storeMeasurements(database.db, deviceId, [{}])).toEqual({
      accepted: 0,
      duplicates: 0,
      rejected: [{ index: 0, code: "invalid_property" }],
    });
    expect(await storeMeasurements(database.db, deviceId, [])).toEqual({ accepted: 0, duplicates: 0, rejected: [] });
  });

  it("keeps each device's readings apart: the same reading from two devices is two rows", async () => {
    const owner = await insertAccount(database.db, "meas");
    const a = await claimTestDevice(database, cfg, owner);
    const b = await claimTestDevice(database, cfg, owner);
    const item = { property: "temperature", time: "2026-01-15T10:00:00Z", value: 20 };
    expect((await storeMeasurements(database.db, a.deviceId, [item])).accepted).toBe(1);
    expect((await storeMeasurements(database.db, b.deviceId, [item])).accepted).toBe(1);
  });

  it("latestMeasurements gives the newest reading of each property", async () => {
    const owner = await insertAccount(database.db, "meas");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    await storeMeasurements(database.db, deviceId, [
      { property: "temperature", unit: "Cel", time: "2026-01-15T10:00:00Z", value: 20 },
      { property: "temperature", unit: "Cel", time: "2026-01-15T11:00:00Z", value: 23 },
      { property: "humidity", unit: "%RH", time: "2026-01-15T09:00:00Z", value: 41 },
    ]);
    const latest = await latestMeasurements(database.db, deviceId);
    expect(latest.map((l) => [l.property, l.value])).toEqual([
      ["humidity", 41],
      ["temperature", 23],
    ]);
  });
});
