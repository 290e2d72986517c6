import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { devices } from "../db/schema";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { listFleet } from "./fleet";
import { releaseDevice, revokeDevice } from "./lifecycle";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

describe("listFleet (staff)", () => {
  it("finds devices by name, id, model or owner's email, case-insensitively, with owner and status", async () => {
    const tag = `fleet${Date.now().toString(36)}`;
    const owner = await insertAccount(database.db, tag);
    const staff = await insertAccount(database.db, "staff", "staff");
    const named = await claimTestDevice(database, cfg, owner, "boiler-probe");
    const revoked = await claimTestDevice(database, cfg, owner);
    const released = await claimTestDevice(database, cfg, owner);
    const elsewhere = await claimTestDevice(database, cfg, await insertAccount(database.db, "other"));
    await database.db
      .update(devices)
      .set({ name: `Greenhouse ${tag}` })
      .where(eq(devices.id, named.deviceId));
    await revokeDevice(database.db, staff, revoked.deviceId);
    await releaseDevice(database.db, owner, released.deviceId);

    const byEmail = await listFleet(database.db, tag.toUpperCase());
    expect(byEmail.map((d) => d.id).sort()).toEqual([named.deviceId, revoked.deviceId, released.deviceId].sort());
    const row = (id: string) => byEmail.find((d) => d.id === id)!;
    expect(row(named.deviceId)).toMatchObject({ ownerId: owner.id, ownerEmail: owner.email, status: "online" }); // just claimed
    expect(row(revoked.deviceId).status).toBe("revoked");
    expect(row(released.deviceId).status).toBe("released");

    expect((await listFleet(database.db, `greenhouse ${tag}`)).map((d) => d.id)).toEqual([named.deviceId]);
    expect((await listFleet(database.db, elsewhere.deviceId.toLowerCase())).map((d) => d.id)).toEqual([
      elsewhere.deviceId,
    ]);
    const byModel = await listFleet(database.db, "BOILER-PROBE");
    expect(byModel.map((d) => d.id)).toContain(named.deviceId);
    expect(byModel.every((d) => d.model === "boiler-probe")).toBe(true);
  });

  it("treats % and _ in the search as literal characters", async () => {
    const all = await listFleet(database.db);
    expect(all.length).toBeGreaterThan(0);
    expect(await listFleet(database.db, "%")).toEqual([]);
    expect(await listFleet(database.db, "____")).toEqual([]);
  });

  it("lists the most recently seen first", async () => {
    const owner = await insertAccount(database.db, "fleet-order");
    const a = await claimTestDevice(database, cfg, owner);
    const b = await claimTestDevice(database, cfg, owner);
    await database.db
      .update(devices)
      .set({ lastSeenAt: new Date(Date.now() + 60_000) })
      .where(eq(devices.id, b.deviceId));
    const ids = (await listFleet(database.db)).map((d) => d.id);
    expect(ids[0]).toBe(b.deviceId);
    expect(ids.indexOf(a.deviceId)).toBeGreaterThan(0);
  });
});
