import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, devices, measurements } from "../db/schema";
import { AppError } from "../errors/app-error";
import { listMyDevices, measurementSeries } from "../devices/views";
import { updateDeviceSettings } from "../models/registry";
import { claimTestDevice, insertAccount, type TestAccount } from "../provisioning/test-fixtures";
import { registerLegacyNode, setLegacyNodeDisabled } from "./nodes";
import { body, cfg, hw, pusher, readingsOf, refusal, registeredNode, openLegacyTestDatabase } from "./test-fixtures";
import { upgradeLegacyNode } from "./upgrade";

// The upgrade of a legacy node to a claimed Claimlink device (docs/legacy-ingest.md "The upgrade").

const ctx = openLegacyTestDatabase();
const push = pusher(ctx);

describe("upgrade: a node reflashed and claimed takes its history along, and its hardware id is refused for good", () => {
  it("accepted before the upgrade, refused after it; the history moves to the device at its own level", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-upgrade");
    const { hardwareId, node } = await registeredNode(ctx, owner);
    await push(hardwareId, body(), { at: new Date("2026-02-01T00:00:00Z") });
    await push(hardwareId, body([{ value_type: "humidity", value: "40" }]), { at: new Date("2026-02-01T00:02:25Z") });
    const device = await claimTestDevice(ctx.database, cfg, owner);

    const result = await upgradeLegacyNode(ctx.database.db, owner, {
      deviceId: device.deviceId,
      hardwareId,
      asStaff: false,
    });
    expect(result).toEqual({ nodeId: node.id, hardwareId, deviceId: device.deviceId, movedReadings: 2 });
    const moved = await readingsOf(ctx, device.deviceId);
    expect(moved.map((r) => [r.property, r.verification])).toEqual([
      ["humidity", "none"],
      ["temperature", "none"],
    ]);
    expect(await readingsOf(ctx, node.deviceId)).toEqual([]);
    // The chart draws them apart from signed readings.
    await ctx.database.db.insert(measurements).values({
      deviceId: device.deviceId,
      property: "temperature",
      time: new Date("2026-02-01T12:00:00Z"),
      value: 22,
    });
    const series = await measurementSeries(
      ctx.database.db,
      owner.id,
      device.deviceId,
      "7d",
      Date.parse("2026-02-02T00:00:00Z"),
    );
    const temperature = series.find((s) => s.property === "temperature");
    expect(temperature?.unverified.map((p) => p[1])).toEqual([21.5]);
    expect(temperature?.points.map((p) => p[1])).toEqual([22]);
    const [old] = await ctx.database.db.select().from(devices).where(eq(devices.id, node.deviceId));
    expect(old.releasedAt).not.toBeNull();
    // Its emptied record is not listed among the owner's released devices: the history moved.
    const mine = await listMyDevices(ctx.database.db, owner.id);
    expect(mine.owned.map((d) => d.id)).toEqual([device.deviceId]);
    expect(mine.released).toEqual([]);

    const refused = await refusal(push(hardwareId));
    expect(refused.code).toBe("legacy_node_upgraded");
    expect(refused.status).toBe(410);
    // Nothing brings the unsigned route back: re-enabling, accept-any, registering it again.
    await setLegacyNodeDisabled(ctx.database.db, ctx.staff, node.id, false);
    await updateDeviceSettings(ctx.database.db, { legacyAcceptAny: true, legacyAcceptAnyOwnerId: ctx.staff.id });
    expect((await refusal(push(hardwareId))).code).toBe("legacy_node_upgraded");
    const again = await refusal(
      registerLegacyNode(ctx.database.db, ctx.staff, {
        hardwareId,
        ownerEmail: owner.email,
        name: "Again",
        model: "x",
      }),
    );
    expect(again.code).toBe("conflict");
    expect((await readingsOf(ctx, device.deviceId)).length).toBe(3);
    const [event] = await ctx.database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "legacy.upgraded"), eq(auditEvents.subjectDeviceId, device.deviceId)));
    expect(event.detail).toMatchObject({ hardwareId, movedReadings: 2, byStaff: false });
  });

  it("an owner cannot link another account's node or device, a legacy record, or the same node twice", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-upgrade");
    const stranger = await insertAccount(ctx.database.db, "legacy-stranger");
    const mine = await registeredNode(ctx, owner);
    const theirs = await registeredNode(ctx, stranger);
    const device = await claimTestDevice(ctx.database, cfg, owner);
    const strangerDevice = await claimTestDevice(ctx.database, cfg, stranger);
    const link = (actor: TestAccount, deviceId: string, hardwareId: string) =>
      refusal(upgradeLegacyNode(ctx.database.db, actor, { deviceId, hardwareId, asStaff: false }));
    expect((await link(owner, device.deviceId, theirs.hardwareId)).code).toBe("not_found");
    expect((await link(owner, strangerDevice.deviceId, mine.hardwareId)).code).toBe("device_not_found");
    expect((await link(owner, device.deviceId, hw())).code).toBe("not_found");
    const other = await registeredNode(ctx, owner);
    expect((await link(owner, other.node.deviceId, mine.hardwareId)).code).toBe("invalid_request");
    await upgradeLegacyNode(ctx.database.db, owner, {
      deviceId: device.deviceId,
      hardwareId: mine.hardwareId,
      asStaff: false,
    });
    expect((await link(owner, device.deviceId, mine.hardwareId)).code).toBe("conflict");
    // Staff may link across accounts.
    const r = await upgradeLegacyNode(ctx.database.db, ctx.staff, {
      deviceId: strangerDevice.deviceId,
      nodeId: other.node.id,
      asStaff: true,
    });
    expect(r.deviceId).toBe(strangerDevice.deviceId);
  });

  it("a reading the device already has at the same time is kept as its own signed one", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-upgrade");
    const { hardwareId } = await registeredNode(ctx, owner);
    const at = new Date("2026-02-02T00:00:00Z");
    await push(hardwareId, body([{ value_type: "temperature", value: 1 }]), { at });
    const device = await claimTestDevice(ctx.database, cfg, owner);
    await ctx.database.db
      .insert(measurements)
      .values({ deviceId: device.deviceId, property: "temperature", time: at, value: 2 });
    const r = await upgradeLegacyNode(ctx.database.db, owner, {
      deviceId: device.deviceId,
      hardwareId,
      asStaff: false,
    });
    expect(r.movedReadings).toBe(0);
    expect((await readingsOf(ctx, device.deviceId)).map((m) => [m.value, m.verification])).toEqual([[2, "signed"]]);
  });

  it("ingest racing an upgrade never leaves readings under the old record", async () => {
    const owner = await insertAccount(ctx.database.db, "legacy-race");
    const { hardwareId, node } = await registeredNode(ctx, owner);
    const device = await claimTestDevice(ctx.database, cfg, owner);
    const pushes = Array.from({ length: 5 }, (_, i) =>
      push(hardwareId, body(), { at: new Date(Date.UTC(2026, 1, 3, 0, 0, i)) }).catch((e: AppError) => e.code),
    );
    const upgrade = upgradeLegacyNode(ctx.database.db, owner, {
      deviceId: device.deviceId,
      hardwareId,
      asStaff: false,
    });
    const [results] = await Promise.all([Promise.all(pushes), upgrade]);
    const accepted = results.filter((r) => typeof r === "object").length;
    expect(results.filter((r) => typeof r === "string")).toEqual(Array(5 - accepted).fill("legacy_node_upgraded"));
    expect(await readingsOf(ctx, node.deviceId)).toEqual([]);
    expect((await readingsOf(ctx, device.deviceId)).length).toBe(accepted);
  });
});
