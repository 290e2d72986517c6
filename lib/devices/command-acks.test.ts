import { describe, expect, it } from "vitest";
import { and, eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import {
  auditEvents,
  deviceCommands,
  devices,
  webhookDeliveries,
  webhookEvents,
  webhookSubscriptions,
  type Device,
} from "../db/schema";
import { newId } from "../ids";
import { acknowledgeFirmwareAlarm, openFirmwareAlarms } from "../firmware/alarms";
import { firmwareHistory } from "../firmware/history";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { acknowledgeCommand, commandStatus, deviceProfile, failureCodeOf } from "./commands";
import { commandAckSchema } from "./schemas";
import { refusal, withTestDatabase } from "../test-helpers";

// (1.2) Acknowledgements of section 7: in_progress, firmware, failure codes, the bad_signature alarm.

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

async function freshDevice(): Promise<Device> {
  const owner = await insertAccount(database.db, "ack");
  const { deviceId } = await claimTestDevice(database, cfg, owner);
  const [d] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
  return d;
}

/** An update command as issueFirmwareUpdate stores it (the image itself is not needed here). */
async function updateCommand(d: Device, version = "1.5.0") {
  const id = newId("cmd");
  const sha256 = "c8f5d0341d54d951a71b136e6e2afcb14d11ed8489a7ae126a8fee0df6ecf193";
  await database.db.insert(deviceCommands).values({
    id,
    deviceId: d.id,
    type: "update_firmware",
    params: {
      model: d.model,
      version,
      size: 4096,
      sha256,
      kid: "09e17ad8d663a41e",
      sig: "x",
      url: `http://x/${sha256}`,
    },
    expiresAt: new Date(Date.now() + 86_400_000),
    fromFirmware: d.firmware,
  });
  return id;
}

const row = async (id: string) => (await database.db.select().from(deviceCommands).where(eq(deviceCommands.id, id)))[0];
const reload = async (d: Device) => (await database.db.select().from(devices).where(eq(devices.id, d.id)))[0];

describe("firmware update acknowledgements (section 7)", () => {
  it("in_progress any number of times keeps the command listed; done with firmware records the running version", async () => {
    const d = await freshDevice();
    const id = await updateCommand(d);
    for (const detail of ["downloading 0/4096", "downloading 2048/4096", undefined]) {
      expect(await acknowledgeCommand(database.db, d, id, { status: "in_progress", detail })).toEqual({
        id,
        status: "in_progress",
      });
      expect((await deviceProfile(database.db, d)).commands.map((c) => c.id)).toEqual([id]);
    }
    expect(await row(id)).toMatchObject({ status: "in_progress", progress: null });
    expect(commandStatus(await row(id))).toBe("in_progress");
    const started = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "command.started"), eq(auditEvents.subjectDeviceId, d.id)));
    expect(started).toHaveLength(1); // the first report only

    expect(await acknowledgeCommand(database.db, d, id, { status: "done", firmware: "1.5.0" })).toEqual({
      id,
      status: "done",
    });
    expect((await reload(d)).firmware).toBe("1.5.0");
    expect(await row(id)).toMatchObject({ status: "done", reportedFirmware: "1.5.0", failureCode: null });
    expect((await deviceProfile(database.db, d)).commands).toEqual([]);
    const [entry] = await firmwareHistory(database.db, d.id);
    expect(entry).toMatchObject({ commandId: id, fromVersion: d.firmware, toVersion: "1.5.0", status: "done" });
  });

  it("in_progress after done or failed is command_settled and changes nothing; the other settled status stays a conflict", async () => {
    const d = await freshDevice();
    const done = await updateCommand(d);
    await acknowledgeCommand(database.db, d, done, { status: "done", firmware: "1.5.0" });
    expect(await refusal(acknowledgeCommand(database.db, d, done, { status: "in_progress", detail: "late" }))).toBe(
      "command_settled",
    );
    expect(await refusal(acknowledgeCommand(database.db, d, done, { status: "failed" }))).toBe("conflict");
    expect(await acknowledgeCommand(database.db, d, done, { status: "done" })).toEqual({ id: done, status: "done" });
    expect(await row(done)).toMatchObject({ status: "done", progress: null });

    const failed = await updateCommand(d, "1.6.0");
    await acknowledgeCommand(database.db, d, failed, { status: "failed", detail: "downgrade: no" });
    expect(await refusal(acknowledgeCommand(database.db, d, failed, { status: "in_progress" }))).toBe(
      "command_settled",
    );
    expect(await row(failed)).toMatchObject({ status: "failed", failureCode: "downgrade" });
  });

  it("in_progress on an expired command is command_expired", async () => {
    const d = await freshDevice();
    const id = await updateCommand(d);
    await database.db
      .update(deviceCommands)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(deviceCommands.id, id));
    expect(await refusal(acknowledgeCommand(database.db, d, id, { status: "in_progress" }))).toBe("command_expired");
    const [entry] = await firmwareHistory(database.db, d.id);
    expect(entry).toMatchObject({ status: "expired", failureCode: "expired" });
  });

  it("a failure keeps its code and the firmware the device still runs (rolled_back)", async () => {
    const d = await freshDevice();
    const id = await updateCommand(d);
    await acknowledgeCommand(database.db, d, id, { status: "in_progress", detail: "rebooting" });
    await acknowledgeCommand(database.db, d, id, {
      status: "failed",
      detail: "rolled_back: the new image did not start",
      firmware: d.firmware,
    });
    expect(await row(id)).toMatchObject({ status: "failed", failureCode: "rolled_back", reportedFirmware: d.firmware });
    expect((await reload(d)).firmware).toBe(d.firmware);
    const [entry] = await firmwareHistory(database.db, d.id);
    expect(entry).toMatchObject({ failureCode: "rolled_back", status: "failed", alarmOpen: false });
  });

  it("a failed update is a firmware.update_failed webhook event in the same transaction; a done one is not", async () => {
    const d = await freshDevice();
    const staff = await insertAccount(database.db, "ack-hook", "staff");
    const hook = newId("whk");
    await database.db.insert(webhookSubscriptions).values({
      id: hook,
      url: "https://hooks.example.org/firmware",
      events: ["firmware.update_failed"],
      ownerId: staff.id,
      secretSealed: "unused-in-this-test",
    });
    try {
      const eventsFor = async () =>
        (
          await database.db
            .select({ type: webhookEvents.type, data: webhookEvents.data })
            .from(webhookDeliveries)
            .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
            .where(eq(webhookDeliveries.subscriptionId, hook))
        ).filter((e) => (e.data as { deviceId?: string }).deviceId === d.id);
      const ok = await updateCommand(d, "1.6.0");
      await acknowledgeCommand(database.db, d, ok, { status: "done", firmware: "1.6.0" });
      expect(await eventsFor()).toEqual([]);
      const bad = await updateCommand(await reload(d), "1.7.0");
      await acknowledgeCommand(database.db, d, bad, {
        status: "failed",
        detail: "hash_mismatch: the mirror sent other bytes",
      });
      const [event, ...more] = await eventsFor();
      expect(more).toEqual([]);
      expect(event.type).toBe("firmware.update_failed");
      expect(event.data).toMatchObject({
        deviceId: d.id,
        fromVersion: "1.6.0",
        toVersion: "1.7.0",
        reason: "hash_mismatch",
      });
    } finally {
      await database.db.delete(webhookDeliveries).where(eq(webhookDeliveries.subscriptionId, hook));
      await database.db.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, hook));
    }
  });

  it("a bad_signature failure is audited as an alarm, listed until staff acknowledge it (audited)", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const d = await freshDevice();
    const id = await updateCommand(d);
    await acknowledgeCommand(database.db, d, id, { status: "failed", detail: "bad_signature: no pinned firmware key" });
    const alarm = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "firmware.bad_signature"), eq(auditEvents.subjectDeviceId, d.id)));
    expect(alarm).toHaveLength(1);
    expect(alarm[0].outcome).toBe("failure");
    const listed = await openFirmwareAlarms(database.db, 500);
    expect(listed.alarms.find((a) => a.commandId === id)).toMatchObject({ deviceId: d.id, version: "1.5.0" });
    expect((await firmwareHistory(database.db, d.id))[0].alarmOpen).toBe(true);

    await acknowledgeFirmwareAlarm(database.db, staff, id);
    await acknowledgeFirmwareAlarm(database.db, staff, id); // twice is harmless
    expect((await openFirmwareAlarms(database.db, 500)).alarms.some((a) => a.commandId === id)).toBe(false);
    expect(await row(id)).toMatchObject({ failureCode: "bad_signature", alarmAckedBy: staff.id });
    const acked = await database.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "firmware.alarm_acknowledged"), eq(auditEvents.subjectDeviceId, d.id)));
    expect(acked).toHaveLength(1);
    // A command that raised no alarm cannot be acknowledged as one.
    const other = await updateCommand(d, "1.7.0");
    expect(await refusal(acknowledgeFirmwareAlarm(database.db, staff, other))).toBe("command_not_found");
  });

  it("the acknowledgement's wire: firmware printable and bounded; codes parsed from detail", () => {
    expect(commandAckSchema.safeParse({ status: "in_progress", detail: "50%" }).success).toBe(true);
    expect(commandAckSchema.safeParse({ status: "done", firmware: "1.5.0" }).success).toBe(true);
    expect(commandAckSchema.safeParse({ status: "in_progress", firmware: "1.4.2" }).success).toBe(true);
    expect(commandAckSchema.safeParse({ status: "done", firmware: "1.5.0\n" }).success).toBe(false);
    expect(commandAckSchema.safeParse({ status: "done", firmware: "x".repeat(65) }).success).toBe(false);
    expect(commandAckSchema.safeParse({ status: "cancelled" }).success).toBe(false);
    expect(failureCodeOf("hash_mismatch: got abc")).toBe("hash_mismatch");
    expect(failureCodeOf("rolled_back")).toBe("rolled_back");
    expect(failureCodeOf("busy")).toBe("busy");
    expect(failureCodeOf("Busy: no")).toBeNull();
    expect(failureCodeOf(undefined)).toBeNull();
  });
});
