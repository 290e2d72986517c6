import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { devices } from "../db/schema";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { revokeDevice, releaseDevice } from "./lifecycle";
import { storeMeasurements } from "./measurements";
import { deviceStatus, getDeviceDetail, listMyDevices, measurementSeries } from "./views";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

const NOW = Date.parse("2026-01-15T12:00:00Z");
const seen = (secondsAgo: number | null, interval = 60) => ({
  lastSeenAt: secondsAgo === null ? null : new Date(NOW - secondsAgo * 1000),
  measurementIntervalSeconds: interval,
});

describe("deviceStatus", () => {
  it("is online while heard from within 2.5 intervals, at least 90 s", () => {
    expect(deviceStatus(seen(0), true, NOW)).toBe("online");
    expect(deviceStatus(seen(150), true, NOW)).toBe("online"); // 2.5 × 60 s
    expect(deviceStatus(seen(151), true, NOW)).toBe("offline");
    expect(deviceStatus(seen(90, 10), true, NOW)).toBe("online"); // the 90 s floor
    expect(deviceStatus(seen(91, 10), true, NOW)).toBe("offline");
    expect(deviceStatus(seen(750, 300), true, NOW)).toBe("online");
    expect(deviceStatus(seen(751, 300), true, NOW)).toBe("offline");
  });

  it("is offline when never heard from, and revoked without a live credential whatever the time", () => {
    expect(deviceStatus(seen(null), true, NOW)).toBe("offline");
    expect(deviceStatus(seen(0), false, NOW)).toBe("revoked");
    expect(deviceStatus(seen(null), false, NOW)).toBe("revoked");
  });
});

describe("the owner's views", () => {
  it("lists only the owner's unreleased devices by name, with status and latest values", async () => {
    const owner = await insertAccount(database.db, "views");
    const other = await insertAccount(database.db, "views");
    const staff = await insertAccount(database.db, "staff", "staff");
    const b = await claimTestDevice(database, cfg, owner);
    const a = await claimTestDevice(database, cfg, owner);
    const gone = await claimTestDevice(database, cfg, owner);
    const revoked = await claimTestDevice(database, cfg, owner);
    await claimTestDevice(database, cfg, other);
    await database.db
      .update(devices)
      .set({ name: "b kitchen", lastSeenAt: new Date() })
      .where(eq(devices.id, b.deviceId));
    await database.db
      .update(devices)
      .set({ name: "A attic", lastSeenAt: sql`now() - interval '1 hour'` })
      .where(eq(devices.id, a.deviceId));
    await database.db.update(devices).set({ name: "c cellar" }).where(eq(devices.id, revoked.deviceId));
    await releaseDevice(database.db, owner, gone.deviceId);
    await revokeDevice(database.db, staff, revoked.deviceId);
    await storeMeasurements(database.db, b.deviceId, [
      { property: "temperature", unit: "Cel", time: "2026-01-15T10:00:00Z", value: 19 },
      { property: "temperature", unit: "Cel", time: "2026-01-15T11:00:00Z", value: 21 },
    ]);

    const mine = await listMyDevices(database.db, owner.id);
    const list = mine.owned;
    expect(mine.released.map((d) => [d.id, d.status])).toEqual([[gone.deviceId, "released"]]);
    expect(list.map((d) => [d.name, d.status])).toEqual([
      ["A attic", "offline"],
      ["b kitchen", "online"],
      ["c cellar", "revoked"],
    ]);
    expect(list[1].latest).toEqual([
      { property: "temperature", unit: "Cel", time: new Date("2026-01-15T11:00:00Z"), value: 21 },
    ]);
    expect(list[0].latest).toEqual([]);
    expect(await listMyDevices(database.db, (await insertAccount(database.db, "views")).id)).toEqual({
      owned: [],
      shared: [],
      released: [],
    });
  });

  it("the detail shows the live credential's id and times, never the secret; another user's is not found", async () => {
    const owner = await insertAccount(database.db, "views");
    const other = await insertAccount(database.db, "views");
    const d = await claimTestDevice(database, cfg, owner);
    const detail = await getDeviceDetail(database.db, owner.id, d.deviceId);
    expect(detail.credential).toEqual({ id: d.credentialId, createdAt: expect.any(Date), lastUsedAt: null });
    expect(JSON.stringify(detail)).not.toContain("sealed");
    expect(JSON.stringify(detail)).not.toContain(d.secret.toString("base64url"));
    const err = await getDeviceDetail(database.db, other.id, d.deviceId).catch((e) => e);
    expect(err.code).toBe("device_not_found");
  });
});

describe("measurementSeries", () => {
  it("averages the largest accepted values in one bucket without overflowing (was a 500)", async () => {
    const owner = await insertAccount(database.db, "views");
    const d = await claimTestDevice(database, cfg, owner);
    const now = Date.now();
    const at = (s: number) => new Date(Math.floor(now / 60_000) * 60_000 - 120_000 + s * 1000).toISOString();
    await storeMeasurements(database.db, d.deviceId, [
      { property: "energy", time: at(1), value: 1.7e308 },
      { property: "energy", time: at(2), value: 1.7e308 },
      { property: "energy", time: at(3), value: 1e15 },
      { property: "energy", time: at(4), value: 1e15 },
    ]);
    const series = await measurementSeries(database.db, owner.id, d.deviceId, "24h", now);
    expect(series).toEqual([
      { property: "energy", unit: null, points: [[expect.any(Number), 1e15]], secret: [], unverified: [] },
    ]);
  });
});
