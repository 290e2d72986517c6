import { randomUUID } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { auditEvents, deviceModels, devices, legacyNodes, measurements } from "../db/schema";
import { openTestDatabase } from "../db/test-database";
import { AppError } from "../errors/app-error";
import { updateDeviceSettings } from "../models/registry";
import { claimTestDevice, insertAccount, testConfig, type TestAccount } from "../provisioning/test-fixtures";
import { AUTO_REGISTRATIONS_PER_ADDRESS_PER_HOUR, checkLegacyItem, ingestLegacy, type LegacyConfig } from "./ingest";
import { parseCsvLine } from "../csv";
import { importLegacyNodes, registerLegacyNode, setLegacyNodeDisabled } from "./nodes";
import { listMyDevices, measurementSeries } from "../devices/views";
import { upgradeLegacyNode } from "./upgrade";
import { releaseDevice, reportDeviceLost } from "../devices/lifecycle";
import { planTarget } from "../provisioning/claim-target";
import type { ProvisioningSession } from "../db/schema";

let database: Database;
const cfg = testConfig();
const limits: LegacyConfig = { perNodePerMinute: 1000, perAddressPerMinute: 100_000 };
let staff: TestAccount;
beforeAll(async () => {
  database = await openTestDatabase();
  staff = await insertAccount(database.db, "legacy-staff", "staff");
});
afterAll(() => database.close());
// The settings row is shared by every test on a reused PostgreSQL database: always back to the defaults.
afterEach(() =>
  updateDeviceSettings(database.db, { legacyAcceptAny: false, legacyAcceptAnyOwnerId: null, legacyCutoffAt: null }),
);

const hw = () => `esp8266-${randomUUID().replace(/-/g, "").slice(0, 12)}`;
const ip = () => `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`;
const body = (values: unknown[] = [{ value_type: "temperature", value: "21.50" }]) => ({
  esp8266id: "1234567",
  software_version: "NRZ-2020-129",
  sensordatavalues: values,
});
const push = (sensor: string | null, b: unknown = body(), opts: { at?: Date; ip?: string; cfg?: LegacyConfig } = {}) =>
  ingestLegacy(database.db, opts.cfg ?? limits, { sensorHeader: sensor, body: b, ip: opts.ip ?? ip() }, opts.at);

async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

async function registered(owner: TestAccount, model = "sensor-community") {
  const hardwareId = hw();
  const node = await registerLegacyNode(database.db, staff, {
    hardwareId,
    ownerEmail: owner.email,
    name: `Balcony ${hardwareId}`,
    model,
  });
  return { hardwareId, node };
}

const readingsOf = (deviceId: string) =>
  database.db.select().from(measurements).where(eq(measurements.deviceId, deviceId)).orderBy(measurements.property);

describe("legacy ingest: unsigned data stored unverified", () => {
  it("a registered node's values are stored as unverified readings at the time received; a resend is a duplicate", async () => {
    const owner = await insertAccount(database.db, "legacy-owner");
    const { hardwareId, node } = await registered(owner);
    const at = new Date("2026-03-01T10:00:00.700Z");
    const values = [
      { value_type: "SDS_P1", value: "12.30" },
      { value_type: "temperature", value: 21.5 },
      { value_type: "humidity", value: "not a number" },
      { value_type: "Bad Type!", value: "1" },
      "junk",
    ];
    const first = await push(hardwareId.toUpperCase(), body(values), { at });
    expect(first).toEqual({
      hardwareId,
      accepted: 2,
      duplicates: 0,
      rejected: [
        { index: 2, code: "invalid_value" },
        { index: 3, code: "invalid_property" },
        { index: 4, code: "invalid_item" },
      ],
    });
    const again = await push(hardwareId, body(values), { at: new Date("2026-03-01T10:00:00.100Z") });
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
    const rows = await readingsOf(node.deviceId);
    expect(rows.map((r) => [r.property, r.value, r.unit, r.verified, r.time.toISOString()])).toEqual([
      ["sds_p1", 12.3, "ug/m3", false, "2026-03-01T10:00:00.000Z"],
      ["temperature", 21.5, "Cel", false, "2026-03-01T10:00:00.000Z"],
    ]);
    const [n] = await database.db.select().from(legacyNodes).where(eq(legacyNodes.id, node.id));
    expect(n.softwareVersion).toBe("NRZ-2020-129");
    // The owner sees it as a legacy node (no credential by design), not as a revoked device.
    const mine = await listMyDevices(database.db, owner.id);
    expect(mine.owned.map((d) => [d.id, d.status])).toEqual([[node.deviceId, "legacy"]]);
  });

  it("the hardware id may come from the body's esp8266id when X-Sensor is missing", async () => {
    const owner = await insertAccount(database.db, "legacy-owner");
    const id = String(Date.now()) + String(Math.floor(Math.random() * 1000));
    const hardwareId = `esp8266-${id}`;
    await registerLegacyNode(database.db, staff, {
      hardwareId,
      ownerEmail: owner.email,
      name: "Roof",
      model: "sensor-community",
    });
    expect(await push(null, { ...body(), esp8266id: id })).toMatchObject({ hardwareId, accepted: 1 });
  });

  it("an unknown hardware id is refused and nothing is stored or registered", async () => {
    const hardwareId = hw();
    expect((await refusal(push(hardwareId))).code).toBe("legacy_not_accepted");
    expect(await database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, hardwareId))).toEqual([]);
  });

  it.each([
    ["a malformed X-Sensor", "esp8266 1234; drop table", body()],
    ["no hardware id at all", null, { sensordatavalues: [{ value_type: "temperature", value: 1 }] }],
    ["an unknown member", "esp8266-1", { ...body(), extra: true }],
    ["no values", "esp8266-1", body([])],
    ["too many values", "esp8266-1", body(Array.from({ length: 65 }, () => ({ value_type: "a", value: 1 })))],
    ["not an object", "esp8266-1", [1, 2]],
  ])("%s is invalid_request", async (_what, sensor, b) => {
    expect((await refusal(push(sensor, b))).code).toBe("invalid_request");
  });

  it("value checks: decimal strings and numbers within the bounds only", () => {
    expect(checkLegacyItem({ value_type: "P2", value: " -3.5e2 " })).toEqual({
      property: "p2",
      unit: "ug/m3",
      value: -350,
    });
    for (const value of ["0x10", "1,5", "Infinity", "NaN", "", 1e16, null, true])
      expect(checkLegacyItem({ value_type: "p2", value })).toBe("invalid_value");
    expect(checkLegacyItem({ value_type: "p2", value: 1, unit: "x" })).toBe("unknown_field");
  });

  it("is limited per hardware id and per address (429 with the wait), whatever else the request holds", async () => {
    const owner = await insertAccount(database.db, "legacy-owner");
    const { hardwareId } = await registered(owner);
    const tight = { perNodePerMinute: 2, perAddressPerMinute: 3 };
    await push(hardwareId, body(), { cfg: tight });
    await push(hardwareId, body(), { cfg: tight });
    const perNode = await refusal(push(hardwareId, body(), { cfg: tight }));
    expect(perNode.code).toBe("rate_limited");
    expect(perNode.extra.retryAfterSeconds).toBeGreaterThan(0);
    const address = ip();
    for (let i = 0; i < 3; i++) await refusal(push(hw(), body(), { cfg: tight, ip: address })); // unknown ids still count
    expect((await refusal(push(hw(), body(), { cfg: tight, ip: address }))).code).toBe("rate_limited");
  });

  it("staff stop accepting per node, per model and from a date on", async () => {
    const owner = await insertAccount(database.db, "legacy-owner");
    const { hardwareId, node } = await registered(owner);
    await setLegacyNodeDisabled(database.db, staff, node.id, true);
    expect((await refusal(push(hardwareId))).code).toBe("legacy_not_accepted");
    await setLegacyNodeDisabled(database.db, staff, node.id, false);
    expect(await push(hardwareId)).toMatchObject({ accepted: 1 });

    const model = `legacy-model-${randomUUID().slice(0, 8)}`;
    await database.db.insert(deviceModels).values({ model, displayName: "Old kit", legacyRefused: true });
    const other = await registered(owner, model);
    expect((await refusal(push(other.hardwareId))).code).toBe("legacy_not_accepted");

    await updateDeviceSettings(database.db, { legacyCutoffAt: new Date("2026-06-01T00:00:00Z") });
    expect(await push(hardwareId, body(), { at: new Date("2026-05-31T23:59:59Z") })).toMatchObject({ accepted: 1 });
    expect((await refusal(push(hardwareId, body(), { at: new Date("2026-06-01T00:00:00Z") }))).code).toBe(
      "legacy_not_accepted",
    );
  });

  it("a node its owner reported lost or released feeds nothing more, and its record is not taken over by a replacement", async () => {
    const owner = await insertAccount(database.db, "legacy-lost");
    const lost = await registered(owner);
    expect(await push(lost.hardwareId)).toMatchObject({ accepted: 1 });
    // A replacement would let the stolen node's id keep writing into the new device's history.
    const unbound = { boundDeviceId: null } as ProvisioningSession;
    expect((await refusal(planTarget(database.db, unbound, owner.id, lost.node.deviceId, 10))).code).toBe("not_owner");
    await reportDeviceLost(database.db, owner, lost.node.deviceId);
    expect((await refusal(push(lost.hardwareId))).code).toBe("legacy_not_accepted");
    expect(await readingsOf(lost.node.deviceId)).toHaveLength(1);

    const released = await registered(owner);
    await releaseDevice(database.db, owner, released.node.deviceId);
    expect((await refusal(push(released.hardwareId))).code).toBe("legacy_not_accepted");
    // Nor can its former owner link the released record to a device later.
    const device = await claimTestDevice(database, cfg, owner);
    expect(
      (
        await refusal(
          upgradeLegacyNode(database.db, owner, {
            deviceId: device.deviceId,
            hardwareId: released.hardwareId,
            asStaff: false,
          }),
        )
      ).code,
    ).toBe("not_found");
  });

  it("with 'accept any hardware id' on, an unknown node is registered to the staff member who switched it on, at most 10 per address an hour", async () => {
    await updateDeviceSettings(database.db, { legacyAcceptAny: true, legacyAcceptAnyOwnerId: staff.id });
    const hardwareId = hw();
    const address = ip();
    expect(await push(hardwareId, body(), { ip: address })).toMatchObject({ accepted: 1 });
    const [node] = await database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, hardwareId));
    expect(node.autoRegistered).toBe(true);
    const [record] = await database.db.select().from(devices).where(eq(devices.id, node.deviceId));
    expect(record.ownerId).toBe(staff.id);
    expect(record.name).toBe(hardwareId);
    for (let i = 1; i < AUTO_REGISTRATIONS_PER_ADDRESS_PER_HOUR; i++) await push(hw(), body(), { ip: address });
    const flood = hw();
    expect((await refusal(push(flood, body(), { ip: address }))).code).toBe("rate_limited");
    expect(await database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, flood))).toEqual([]);
    // A known node from the same address still gets through.
    expect(await push(hardwareId, body(), { ip: address, at: new Date(Date.now() + 5000) })).toMatchObject({
      accepted: 1,
    });
  });

  it("two first requests of one unknown node at once register it once", async () => {
    await updateDeviceSettings(database.db, { legacyAcceptAny: true, legacyAcceptAnyOwnerId: staff.id });
    const hardwareId = hw();
    const results = await Promise.all([push(hardwareId), push(hardwareId)]);
    expect(results.map((r) => r.accepted + r.duplicates)).toEqual([1, 1]);
    expect(await database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, hardwareId))).toHaveLength(1);
  });
});

describe("upgrade: a node reflashed and claimed takes its history along, and its hardware id is refused for good", () => {
  it("accepted before the upgrade, refused after it; the history moves to the device, still unverified", async () => {
    const owner = await insertAccount(database.db, "legacy-upgrade");
    const { hardwareId, node } = await registered(owner);
    await push(hardwareId, body(), { at: new Date("2026-02-01T00:00:00Z") });
    await push(hardwareId, body([{ value_type: "humidity", value: "40" }]), { at: new Date("2026-02-01T00:02:25Z") });
    const device = await claimTestDevice(database, cfg, owner);

    const result = await upgradeLegacyNode(database.db, owner, {
      deviceId: device.deviceId,
      hardwareId,
      asStaff: false,
    });
    expect(result).toEqual({ nodeId: node.id, hardwareId, deviceId: device.deviceId, movedReadings: 2 });
    const moved = await readingsOf(device.deviceId);
    expect(moved.map((r) => [r.property, r.verified])).toEqual([
      ["humidity", false],
      ["temperature", false],
    ]);
    expect(await readingsOf(node.deviceId)).toEqual([]);
    // The chart draws them apart from signed readings.
    await database.db.insert(measurements).values({
      deviceId: device.deviceId,
      property: "temperature",
      time: new Date("2026-02-01T12:00:00Z"),
      value: 22,
    });
    const series = await measurementSeries(
      database.db,
      owner.id,
      device.deviceId,
      "7d",
      Date.parse("2026-02-02T00:00:00Z"),
    );
    const temperature = series.find((s) => s.property === "temperature");
    expect(temperature?.unverified.map((p) => p[1])).toEqual([21.5]);
    expect(temperature?.points.map((p) => p[1])).toEqual([22]);
    const [old] = await database.db.select().from(devices).where(eq(devices.id, node.deviceId));
    expect(old.releasedAt).not.toBeNull();
    // Its emptied record is not listed among the owner's released devices: the history moved.
    const mine = await listMyDevices(database.db, owner.id);
    expect(mine.owned.map((d) => d.id)).toEqual([device.deviceId]);
    expect(mine.released).toEqual([]);

    const refused = await refusal(push(hardwareId));
    expect(refused.code).toBe("legacy_node_upgraded");
    expect(refused.status).toBe(410);
    // Nothing brings the unsigned route back: re-enabling, accept-any, registering it again.
    await setLegacyNodeDisabled(database.db, staff, node.id, false);
    await updateDeviceSettings(database.db, { legacyAcceptAny: true, legacyAcceptAnyOwnerId: staff.id });
    expect((await refusal(push(hardwareId))).code).toBe("legacy_node_upgraded");
    const again = await refusal(
      registerLegacyNode(database.db, staff, { hardwareId, ownerEmail: owner.email, name: "Again", model: "x" }),
    );
    expect(again.code).toBe("conflict");
    expect((await readingsOf(device.deviceId)).length).toBe(3);
    const [event] = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "legacy.upgraded"), eq(auditEvents.subjectDeviceId, device.deviceId)));
    expect(event.detail).toMatchObject({ hardwareId, movedReadings: 2, byStaff: false });
  });

  it("an owner cannot link another account's node or device, a legacy record, or the same node twice", async () => {
    const owner = await insertAccount(database.db, "legacy-upgrade");
    const stranger = await insertAccount(database.db, "legacy-stranger");
    const mine = await registered(owner);
    const theirs = await registered(stranger);
    const device = await claimTestDevice(database, cfg, owner);
    const strangerDevice = await claimTestDevice(database, cfg, stranger);
    const link = (actor: TestAccount, deviceId: string, hardwareId: string) =>
      refusal(upgradeLegacyNode(database.db, actor, { deviceId, hardwareId, asStaff: false }));
    expect((await link(owner, device.deviceId, theirs.hardwareId)).code).toBe("not_found");
    expect((await link(owner, strangerDevice.deviceId, mine.hardwareId)).code).toBe("device_not_found");
    expect((await link(owner, device.deviceId, hw())).code).toBe("not_found");
    const other = await registered(owner);
    expect((await link(owner, other.node.deviceId, mine.hardwareId)).code).toBe("invalid_request");
    await upgradeLegacyNode(database.db, owner, {
      deviceId: device.deviceId,
      hardwareId: mine.hardwareId,
      asStaff: false,
    });
    expect((await link(owner, device.deviceId, mine.hardwareId)).code).toBe("conflict");
    // Staff may link across accounts.
    const r = await upgradeLegacyNode(database.db, staff, {
      deviceId: strangerDevice.deviceId,
      nodeId: other.node.id,
      asStaff: true,
    });
    expect(r.deviceId).toBe(strangerDevice.deviceId);
  });

  it("a reading the device already has at the same time is kept as its own verified one", async () => {
    const owner = await insertAccount(database.db, "legacy-upgrade");
    const { hardwareId } = await registered(owner);
    const at = new Date("2026-02-02T00:00:00Z");
    await push(hardwareId, body([{ value_type: "temperature", value: 1 }]), { at });
    const device = await claimTestDevice(database, cfg, owner);
    await database.db
      .insert(measurements)
      .values({ deviceId: device.deviceId, property: "temperature", time: at, value: 2 });
    const r = await upgradeLegacyNode(database.db, owner, { deviceId: device.deviceId, hardwareId, asStaff: false });
    expect(r.movedReadings).toBe(0);
    expect((await readingsOf(device.deviceId)).map((m) => [m.value, m.verified])).toEqual([[2, true]]);
  });

  it("ingest racing an upgrade never leaves readings under the old record", async () => {
    const owner = await insertAccount(database.db, "legacy-race");
    const { hardwareId, node } = await registered(owner);
    const device = await claimTestDevice(database, cfg, owner);
    const pushes = Array.from({ length: 5 }, (_, i) =>
      push(hardwareId, body(), { at: new Date(Date.UTC(2026, 1, 3, 0, 0, i)) }).catch((e: AppError) => e.code),
    );
    const upgrade = upgradeLegacyNode(database.db, owner, { deviceId: device.deviceId, hardwareId, asStaff: false });
    const [results] = await Promise.all([Promise.all(pushes), upgrade]);
    const accepted = results.filter((r) => typeof r === "object").length;
    expect(results.filter((r) => typeof r === "string")).toEqual(Array(5 - accepted).fill("legacy_node_upgraded"));
    expect(await readingsOf(node.deviceId)).toEqual([]);
    expect((await readingsOf(device.deviceId)).length).toBe(accepted);
  });
});

describe("registering legacy nodes", () => {
  it("refuses an unknown owner email, a duplicate hardware id and a name the owner already uses", async () => {
    const owner = await insertAccount(database.db, "legacy-reg");
    const { hardwareId } = await registered(owner);
    const base = { ownerEmail: owner.email, name: "Garden", model: "sensor-community" };
    expect((await refusal(registerLegacyNode(database.db, staff, { ...base, hardwareId }))).code).toBe("conflict");
    expect(
      (
        await refusal(
          registerLegacyNode(database.db, staff, { ...base, hardwareId: hw(), ownerEmail: "nobody@example.org" }),
        )
      ).code,
    ).toBe("invalid_request");
    await registerLegacyNode(database.db, staff, { ...base, hardwareId: hw() });
    expect(
      (await refusal(registerLegacyNode(database.db, staff, { ...base, name: "GARDEN", hardwareId: hw() }))).code,
    ).toBe("name_taken");
  });

  it("imports CSV line by line and reports each line's outcome", async () => {
    const owner = await insertAccount(database.db, "legacy-import");
    const [a, b] = [hw(), hw()];
    const csv = [
      "hardware id,owner email,name",
      `${a},${owner.email},"Kitchen, north"`,
      `${a},${owner.email},Again`,
      `not an id,${owner.email},X`,
      `${b},nobody-${randomUUID()}@example.org,Y`,
      `${b},${owner.email}`,
      `"unterminated,${owner.email},Z`,
      "",
      `${b.toUpperCase()},${owner.email.toUpperCase()},=cmd`,
    ].join("\r\n");
    const report = await importLegacyNodes(database.db, staff, csv);
    expect(report.map((r) => [r.line, r.outcome])).toEqual([
      [2, "registered"],
      [3, "rejected"],
      [4, "rejected"],
      [5, "rejected"],
      [6, "rejected"],
      [7, "rejected"],
      [9, "registered"],
    ]);
    expect(report[1].reason).toMatch(/already registered/);
    expect(report[2].reason).toMatch(/hardwareId/);
    expect(report[3].reason).toMatch(/No account/);
    expect(report[4].reason).toMatch(/3 fields/);
    const names = await database.db
      .select({ name: devices.name })
      .from(legacyNodes)
      .innerJoin(devices, eq(devices.id, legacyNodes.deviceId))
      .where(eq(legacyNodes.hardwareId, a));
    expect(names).toEqual([{ name: "Kitchen, north" }]);
  });

  it("parses quoted CSV fields", () => {
    expect(parseCsvLine('a,"b ""c"", d", e ')).toEqual(["a", 'b "c", d', "e"]);
    expect(parseCsvLine('a,b"c')).toBeNull();
    expect(parseCsvLine('"a"x,b')).toBeNull();
  });
});
