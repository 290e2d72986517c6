import { describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, devices } from "../db/schema";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { baseDeviceName, renameDevice, uniqueDeviceName } from "./naming";
import { refusal, withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

const nameOf = async (id: string) => (await database.db.select().from(devices).where(eq(devices.id, id)))[0].name;

describe("device names", () => {
  it("a new device gets a readable default name from its model and id", async () => {
    expect(baseDeviceName("coreink-heat", "dev_7KQ2ABCDEFGHIJKL")).toBe("Coreink heat 7KQ2");
    const owner = await insertAccount(database.db, "name");
    const { deviceId, name } = await claimTestDevice(database, cfg, owner);
    expect(name).toBe(baseDeviceName("coreink-heat", deviceId));
    expect(await nameOf(deviceId)).toBe(name);
  });

  it("uniqueDeviceName numbers a default the owner already uses", async () => {
    const owner = await insertAccount(database.db, "name");
    const { deviceId } = await claimTestDevice(database, cfg, owner);
    const base = baseDeviceName("coreink-heat", deviceId);
    await renameDevice(database.db, owner, deviceId, { name: base.toUpperCase() });
    expect(await uniqueDeviceName(database.db, owner.id, "coreink-heat", deviceId)).toBe(`${base} (2)`);
  });

  it("renames the owner's device and audits from and to", async () => {
    const owner = await insertAccount(database.db, "name");
    const { deviceId, name } = await claimTestDevice(database, cfg, owner);
    expect(await renameDevice(database.db, owner, deviceId, { name: "Living room" })).toEqual({
      id: deviceId,
      name: "Living room",
    });
    expect(await nameOf(deviceId)).toBe("Living room");
    const events = await database.db.select().from(auditEvents).where(eq(auditEvents.subjectDeviceId, deviceId));
    expect(events.find((e) => e.action === "device.renamed")?.detail).toEqual({ from: name, to: "Living room" });
  });

  it("names are unique per owner whatever their case (name_taken); the device keeps its name", async () => {
    const owner = await insertAccount(database.db, "name");
    const a = await claimTestDevice(database, cfg, owner);
    const b = await claimTestDevice(database, cfg, owner);
    await renameDevice(database.db, owner, a.deviceId, { name: "Kitchen" });
    for (const taken of ["Kitchen", "kitchen", "KITCHEN"])
      expect(await refusal(renameDevice(database.db, owner, b.deviceId, { name: taken }))).toBe("name_taken");
    expect(await nameOf(b.deviceId)).toBe(b.name);
    // Renaming a device to its own name in another case is fine.
    await renameDevice(database.db, owner, a.deviceId, { name: "KITCHEN" });
    expect(await nameOf(a.deviceId)).toBe("KITCHEN");
  });

  it("another owner may use the same name", async () => {
    const one = await insertAccount(database.db, "name");
    const two = await insertAccount(database.db, "name");
    const a = await claimTestDevice(database, cfg, one);
    const b = await claimTestDevice(database, cfg, two);
    await renameDevice(database.db, one, a.deviceId, { name: "Bedroom" });
    await renameDevice(database.db, two, b.deviceId, { name: "bedroom" });
    expect(await nameOf(b.deviceId)).toBe("bedroom");
  });

  it("another user cannot rename the device (device_not_found)", async () => {
    const owner = await insertAccount(database.db, "name");
    const other = await insertAccount(database.db, "name");
    const { deviceId, name } = await claimTestDevice(database, cfg, owner);
    expect(await refusal(renameDevice(database.db, other, deviceId, { name: "Mine now" }))).toBe("device_not_found");
    expect(await nameOf(deviceId)).toBe(name);
  });
});
