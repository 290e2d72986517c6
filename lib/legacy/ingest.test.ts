import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { deviceModels, devices, legacyNodes } from "../db/schema";
import { releaseDevice, reportDeviceLost } from "../devices/lifecycle";
import { listMyDevices } from "../devices/views";
import type { ProvisioningSession } from "../db/schema";
import { updateDeviceSettings } from "../models/registry";
import { planTarget } from "../provisioning/claim-target";
import { claimTestDevice, insertAccount } from "../provisioning/test-fixtures";
import { AUTO_REGISTRATIONS_PER_ADDRESS_PER_HOUR, checkLegacyItem } from "./ingest";
import { registerLegacyNode, setLegacyNodeDisabled } from "./nodes";
import {
  body,
  cfg,
  hw,
  ip,
  pusher,
  readingsOf,
  refusal,
  registeredNode,
  openLegacyTestDatabase,
} from "./test-fixtures";
import { upgradeLegacyNode } from "./upgrade";

// Ingest of a legacy node without a credential: stored at level `none` (docs/legacy-ingest.md).

const ctx = openLegacyTestDatabase();
const push = pusher(ctx);

describe("legacy ingest without a credential: stored at level none", () => {
  it("a registered node's values are stored at level none at the time received; a resend is a duplicate", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-owner");
    const { hardwareId, node } = await registeredNode(ctx, owner);
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
      verification: "none",
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
    const rows = await readingsOf(ctx, node.deviceId);
    expect(rows.map((r) => [r.property, r.value, r.unit, r.verification, r.time.toISOString()])).toEqual([
      ["sds_p1", 12.3, "ug/m3", "none", "2026-03-01T10:00:00.000Z"],
      ["temperature", 21.5, "Cel", "none", "2026-03-01T10:00:00.000Z"],
    ]);
    const [n] = await ctx.database.db.select().from(legacyNodes).where(eq(legacyNodes.id, node.id));
    expect(n.softwareVersion).toBe("NRZ-2020-129");
    // The owner sees it as a legacy node (no credential by design), not as a revoked device.
    const mine = await listMyDevices(ctx.database.db, owner.id);
    expect(mine.owned.map((d) => [d.id, d.status])).toEqual([[node.deviceId, "legacy"]]);
  });

  it("the hardware id may come from the body's esp8266id when X-Sensor is missing", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-owner");
    const id = String(Date.now()) + String(Math.floor(Math.random() * 1000));
    const hardwareId = `esp8266-${id}`;
    await registerLegacyNode(ctx.database.db, ctx.staff, {
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
    expect(await ctx.database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, hardwareId))).toEqual([]);
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
    const owner = await insertAccount(ctx.database.db, "legacy-owner");
    const { hardwareId } = await registeredNode(ctx, owner);
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
    const owner = await insertAccount(ctx.database.db, "legacy-owner");
    const { hardwareId, node } = await registeredNode(ctx, owner);
    await setLegacyNodeDisabled(ctx.database.db, ctx.staff, node.id, true);
    expect((await refusal(push(hardwareId))).code).toBe("legacy_not_accepted");
    await setLegacyNodeDisabled(ctx.database.db, ctx.staff, node.id, false);
    expect(await push(hardwareId)).toMatchObject({ accepted: 1 });

    const model = `legacy-model-${randomUUID().slice(0, 8)}`;
    await ctx.database.db.insert(deviceModels).values({ model, displayName: "Old kit", legacyRefused: true });
    const other = await registeredNode(ctx, owner, model);
    expect((await refusal(push(other.hardwareId))).code).toBe("legacy_not_accepted");

    await updateDeviceSettings(ctx.database.db, { legacyCutoffAt: new Date("2026-06-01T00:00:00Z") });
    expect(await push(hardwareId, body(), { at: new Date("2026-05-31T23:59:59Z") })).toMatchObject({ accepted: 1 });
    expect((await refusal(push(hardwareId, body(), { at: new Date("2026-06-01T00:00:00Z") }))).code).toBe(
      "legacy_not_accepted",
    );
  });

  it("a node its owner reported lost or released feeds nothing more, and its record is not taken over by a replacement", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-lost");
    const lost = await registeredNode(ctx, owner);
    expect(await push(lost.hardwareId)).toMatchObject({ accepted: 1 });
    // A replacement would let the stolen node's id keep writing into the new device's history.
    const unbound = { boundDeviceId: null } as ProvisioningSession;
    expect((await refusal(planTarget(ctx.database.db, unbound, owner.id, lost.node.deviceId, 10))).code).toBe(
      "not_owner",
    );
    await reportDeviceLost(ctx.database.db, owner, lost.node.deviceId);
    expect((await refusal(push(lost.hardwareId))).code).toBe("legacy_not_accepted");
    expect(await readingsOf(ctx, lost.node.deviceId)).toHaveLength(1);

    const released = await registeredNode(ctx, owner);
    await releaseDevice(ctx.database.db, owner, released.node.deviceId);
    expect((await refusal(push(released.hardwareId))).code).toBe("legacy_not_accepted");
    // Nor can its former owner link the released record to a device later.
    const device = await claimTestDevice(ctx.database, cfg, owner);
    expect(
      (
        await refusal(
          upgradeLegacyNode(ctx.database.db, owner, {
            deviceId: device.deviceId,
            hardwareId: released.hardwareId,
            asStaff: false,
          }),
        )
      ).code,
    ).toBe("not_found");
  });

  it("with 'accept any hardware id' on, an unknown node is registered to the staff member who switched it on, at most 10 per address an hour", async () => {
    await updateDeviceSettings(ctx.database.db, { legacyAcceptAny: true, legacyAcceptAnyOwnerId: ctx.staff.id });
    const hardwareId = hw();
    const address = ip();
    expect(await push(hardwareId, body(), { ip: address })).toMatchObject({ accepted: 1 });
    const [node] = await ctx.database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, hardwareId));
    expect(node.autoRegistered).toBe(true);
    const [record] = await ctx.database.db.select().from(devices).where(eq(devices.id, node.deviceId));
    expect(record.ownerId).toBe(ctx.staff.id);
    expect(record.name).toBe(hardwareId);
    for (let i = 1; i < AUTO_REGISTRATIONS_PER_ADDRESS_PER_HOUR; i++) await push(hw(), body(), { ip: address });
    const flood = hw();
    expect((await refusal(push(flood, body(), { ip: address }))).code).toBe("rate_limited");
    expect(await ctx.database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, flood))).toEqual([]);
    // A known node from the same address still gets through.
    expect(await push(hardwareId, body(), { ip: address, at: new Date(Date.now() + 5000) })).toMatchObject({
      accepted: 1,
    });
  });

  it("two first requests of one unknown node at once register it once", async () => {
    await updateDeviceSettings(ctx.database.db, { legacyAcceptAny: true, legacyAcceptAnyOwnerId: ctx.staff.id });
    const hardwareId = hw();
    const results = await Promise.all([push(hardwareId), push(hardwareId)]);
    expect(results.map((r) => r.accepted + r.duplicates)).toEqual([1, 1]);
    expect(await ctx.database.db.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, hardwareId))).toHaveLength(
      1,
    );
  });
});
