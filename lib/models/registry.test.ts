import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { auditEvents, devices, provisioningSessions, unlistedProperties } from "../db/schema";
import { AppError } from "../errors/app-error";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { startSession } from "../provisioning/start-session";
import {
  deleteModel,
  firmwareAllowed,
  firmwareAtLeast,
  flagUnlistedProperties,
  saveModel,
  setModelPolicy,
  updateDeviceSettings,
} from "./registry";
import { modelInputSchema } from "./schemas";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});
afterEach(() => updateDeviceSettings(database.db, { modelPolicy: "open" }));

const model = () => `kit-${randomUUID().slice(0, 8)}`;
const start = (m: string, firmware: string) =>
  startSession(database.db, cfg, { model: m, firmware }, { ip: `203.0.113.${Math.floor(Math.random() * 250)}` });

describe("firmware versions", () => {
  it.each([
    ["1.4.2", "1.4.0", true],
    ["1.10", "1.9", true],
    ["1.4", "1.4.0", true],
    ["v2.0.0-beta", "2.0", true],
    ["1.3.9", "1.4.0", false],
    ["custom", "0.0.1", false],
  ])("%s at least %s: %s", (fw, min, ok) => expect(firmwareAtLeast(fw, min)).toBe(ok));

  it("a list allows exactly its versions; with a minimum too, either passes", () => {
    expect(firmwareAllowed({ minFirmware: null, firmwareList: ["1.0-lab"] }, "1.0-lab")).toBe(true);
    expect(firmwareAllowed({ minFirmware: null, firmwareList: ["1.0-lab"] }, "2.0")).toBe(false);
    expect(firmwareAllowed({ minFirmware: "2.0", firmwareList: ["1.0-lab"] }, "2.1")).toBe(true);
    expect(firmwareAllowed({ minFirmware: null, firmwareList: null }, "anything")).toBe(true);
  });
});

describe("model policy at session start", () => {
  it("open (the default): any model starts a session", async () => {
    expect((await start(model(), "0.1")).sid).toMatch(/^[A-Z2-7]{26}$/);
  });

  it("registry: an unknown model and a firmware below the minimum are refused with their codes, creating nothing", async () => {
    const staff = await insertAccount(database.db, "models-staff", "staff");
    const known = model();
    await saveModel(
      database.db,
      staff,
      modelInputSchema.parse({ model: known, displayName: "Heat kit", minFirmware: "1.4.0" }),
    );
    await setModelPolicy(database.db, staff, "registry");
    const unknown = model();
    const refused = await start(unknown, "9.9").catch((e: AppError) => e);
    expect(refused).toMatchObject({ code: "unknown_model", status: 403 });
    const old = await start(known, "1.3.9").catch((e: AppError) => e);
    expect(old).toMatchObject({ code: "firmware_not_allowed", status: 403 });
    expect((old as AppError).detail).toContain("1.4.0");
    expect(
      await database.db.select().from(provisioningSessions).where(eq(provisioningSessions.model, unknown)),
    ).toEqual([]);
    expect((await start(known, "1.4.2")).sid).toBeTruthy();

    await deleteModel(database.db, staff, known);
    expect(await start(known, "1.4.2").catch((e: AppError) => e.code)).toBe("unknown_model");
    const actions = (
      await database.db.select().from(auditEvents).where(eq(auditEvents.actorId, staff.id)).orderBy(auditEvents.id)
    ).map((e) => e.action);
    expect(actions).toEqual(["model.created", "model.policy_changed", "model.deleted"]);
  });

  it("the registry entry is validated strictly", () => {
    for (const bad of [
      { model: "Bad Model", displayName: "x" },
      { model: "ok", displayName: "" },
      { model: "ok", displayName: "x", minFirmware: "latest" },
      { model: "ok", displayName: "x", properties: [{ property: "Temp" }] },
      { model: "ok", displayName: "x", defaultIntervalSeconds: 1 },
      { model: "ok", displayName: "x", extra: 1 },
    ])
      expect(modelInputSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});

describe("a new device of a registered model", () => {
  it("starts with the model's default measurement interval", async () => {
    const staff = await insertAccount(database.db, "models-staff", "staff");
    const owner = await insertAccount(database.db, "models-owner");
    const m = model();
    await saveModel(
      database.db,
      staff,
      modelInputSchema.parse({ model: m, displayName: "Slow kit", defaultIntervalSeconds: 300 }),
    );
    const d = await claimTestDevice(database, cfg, owner, m);
    const [row] = await database.db.select().from(devices).where(eq(devices.id, d.deviceId));
    expect(row.measurementIntervalSeconds).toBe(300);
    const other = await claimTestDevice(database, cfg, owner, model());
    const [plain] = await database.db.select().from(devices).where(eq(devices.id, other.deviceId));
    expect(plain.measurementIntervalSeconds).toBe(60);
  });
});

describe("unlisted properties", () => {
  it("readings whose property the model does not list are flagged (the readings themselves are stored by ingest)", async () => {
    const staff = await insertAccount(database.db, "models-staff", "staff");
    const m = model();
    await saveModel(
      database.db,
      staff,
      modelInputSchema.parse({ model: m, displayName: "Kit", properties: [{ property: "temperature", unit: "Cel" }] }),
    );
    await flagUnlistedProperties(database.db, m, "dev_AAAAAAAAAAAAAAAA", ["temperature", "co2", "co2"]);
    await flagUnlistedProperties(database.db, m, "dev_BBBBBBBBBBBBBBBB", ["co2"]);
    await flagUnlistedProperties(database.db, model(), "dev_CCCCCCCCCCCCCCCC", ["anything"]); // not registered: nothing to compare
    const flagged = await database.db.select().from(unlistedProperties).where(eq(unlistedProperties.model, m));
    expect(flagged.map((f) => [f.property, f.lastDeviceId])).toEqual([["co2", "dev_BBBBBBBBBBBBBBBB"]]);
  });
});
