import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { auditEvents, deviceCommands, devices, type Device } from "../db/schema";
import { newId } from "../ids";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { acknowledgeCommand, commandStatus, deviceProfile, latestCommands, queueCommand } from "./commands";
import { refusal, withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
const DAY = 86_400;
withTestDatabase((d) => {
  database = d;
});

async function freshDevice(): Promise<Device> {
  const owner = await insertAccount(database.db, "cmd");
  const { deviceId } = await claimTestDevice(database, cfg, owner);
  const [d] = await database.db.select().from(devices).where(eq(devices.id, deviceId));
  return d;
}

async function reload(d: Device): Promise<Device> {
  const [fresh] = await database.db.select().from(devices).where(eq(devices.id, d.id));
  return fresh;
}

describe("device commands", () => {
  it("a queued command appears in the device's profile, oldest first, and is audited", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const d = await freshDevice();
    expect((await deviceProfile(database.db, d)).commands).toEqual([]);
    const a = await queueCommand(database.db, staff, d.id, { type: "identify", params: {} }, DAY);
    const b = await queueCommand(database.db, staff, d.id, { type: "reboot", params: {} }, DAY);
    expect(a.id).toMatch(/^cmd_[A-Z2-7]{16}$/);
    const profile = await deviceProfile(database.db, d);
    expect(profile).toMatchObject({ deviceId: d.id, name: d.name, config: { measurementIntervalSeconds: 60 } });
    expect(profile.commands.map((c) => [c.id, c.type])).toEqual([
      [a.id, "identify"],
      [b.id, "reboot"],
    ]);
    expect(profile.commands[0].issuedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/);
    const issued = await database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'command.issued' and ${auditEvents.detail}->>'commandId' = ${a.id}`);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({ actorId: staff.id, subjectDeviceId: d.id });
  });

  it("set_config changes the configuration the device reads", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const d = await freshDevice();
    await queueCommand(
      database.db,
      staff,
      d.id,
      { type: "set_config", params: { measurementIntervalSeconds: 300 } },
      DAY,
    );
    const profile = await deviceProfile(database.db, await reload(d));
    expect(profile.config).toEqual({ measurementIntervalSeconds: 300 });
    expect(profile.commands[0]).toMatchObject({ type: "set_config", params: { measurementIntervalSeconds: 300 } });
  });

  it("acknowledging done or failed takes the command off the pending list and records the detail", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const d = await freshDevice();
    const a = await queueCommand(database.db, staff, d.id, { type: "identify", params: {} }, DAY);
    const b = await queueCommand(database.db, staff, d.id, { type: "reboot", params: {} }, DAY);
    expect(await acknowledgeCommand(database.db, d, a.id, { status: "done" })).toEqual({ id: a.id, status: "done" });
    expect(await acknowledgeCommand(database.db, d, b.id, { status: "failed", detail: "busy" })).toEqual({
      id: b.id,
      status: "failed",
    });
    expect((await deviceProfile(database.db, d)).commands).toEqual([]);
    const [row] = await database.db.select().from(deviceCommands).where(eq(deviceCommands.id, b.id));
    expect(row).toMatchObject({ status: "failed", detail: "busy" });
    expect(row.completedAt).toBeInstanceOf(Date);
    const completed = await database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'command.completed' and ${auditEvents.subjectDeviceId} = ${d.id}`);
    expect(completed.map((e) => e.outcome).sort()).toEqual(["failure", "success"]);
  });

  it("the same acknowledgement again is harmless; a different one after it is a conflict", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const d = await freshDevice();
    const a = await queueCommand(database.db, staff, d.id, { type: "identify", params: {} }, DAY);
    await acknowledgeCommand(database.db, d, a.id, { status: "done" });
    expect(await acknowledgeCommand(database.db, d, a.id, { status: "done" })).toEqual({ id: a.id, status: "done" });
    expect(await refusal(acknowledgeCommand(database.db, d, a.id, { status: "failed" }))).toBe("conflict");
    const [row] = await database.db.select().from(deviceCommands).where(eq(deviceCommands.id, a.id));
    expect(row.status).toBe("done");
    const completed = await database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'command.completed' and ${auditEvents.detail}->>'commandId' = ${a.id}`);
    expect(completed).toHaveLength(1); // the repeat recorded nothing new
  });

  it("another device's command, or an unknown one, is command_not_found and stays pending", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const mine = await freshDevice();
    const other = await freshDevice();
    const theirs = await queueCommand(database.db, staff, other.id, { type: "identify", params: {} }, DAY);
    expect(await refusal(acknowledgeCommand(database.db, mine, theirs.id, { status: "done" }))).toBe(
      "command_not_found",
    );
    expect(await refusal(acknowledgeCommand(database.db, mine, newId("cmd"), { status: "done" }))).toBe(
      "command_not_found",
    );
    expect((await deviceProfile(database.db, other)).commands.map((c) => c.id)).toEqual([theirs.id]);
    expect((await deviceProfile(database.db, mine)).commands).toEqual([]);
  });

  it("(1.1) a command past COMMAND_TTL is not delivered, its acknowledgement is command_expired, staff see expired", async () => {
    const staff = await insertAccount(database.db, "staff", "staff");
    const d = await freshDevice();
    const short = await queueCommand(database.db, staff, d.id, { type: "identify", params: {} }, 60);
    const [listed] = (await deviceProfile(database.db, d)).commands;
    expect(listed).toMatchObject({ id: short.id, expiresAt: expect.stringMatching(/Z$/) });
    expect(Date.parse(listed.expiresAt) - Date.parse(listed.issuedAt)).toBe(60_000);
    expect(commandStatus(short)).toBe("queued");

    await database.db
      .update(deviceCommands)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(deviceCommands.id, short.id));
    expect((await deviceProfile(database.db, d)).commands).toEqual([]);
    expect(await refusal(acknowledgeCommand(database.db, d, short.id, { status: "done" }))).toBe("command_expired");
    const [row] = await database.db.select().from(deviceCommands).where(eq(deviceCommands.id, short.id));
    expect(row.status).toBe("pending"); // never carried out, never completed
    expect((await latestCommands(database.db, [d.id])).get(d.id)).toMatchObject({
      type: "identify",
      status: "expired",
    });
  });
});
