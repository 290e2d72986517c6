import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { and, eq, inArray, sql } from "drizzle-orm";
import { deleteAccount } from "../../accounts/delete-account";
import type { Database } from "../../db/client";
import { auditEvents, deviceCommands, firmwareRolloutDevices, firmwareRollouts, firmwareImages } from "../../db/schema";
import { openTestDatabase } from "../../db/test-database";
import { deviceProfile } from "../../devices/commands";
import { findDevice } from "../../devices/lifecycle";
import { insertAccount, type TestAccount } from "../../provisioning/test-fixtures";
import { runErasure } from "../../studies/erasure";
import { abortRollout, pauseRollout, resumeRollout } from "./control";
import { createRollout } from "./create";
import { advanceRollout, advanceRollouts } from "./engine";
import { createRolloutSchema } from "./schemas";
import { claimFleet, commandOf, imageOf, report, uniqueModel } from "./test-helpers";
import { firmwareAdoption, getRollout } from "./views";

let database: Database;
let staff: TestAccount;
let owner: TestAccount;
beforeAll(async () => {
  database = await openTestDatabase();
  staff = await insertAccount(database.db, "rollout-staff", "staff");
  owner = await insertAccount(database.db, "rollout-owner");
}, 120_000);
afterAll(() => database.close());

const input = (sha256: string, extra: Record<string, unknown> = {}) =>
  createRolloutSchema.parse({
    sha256,
    target: { kind: "model" },
    stages: [
      { percent: 10, soakMinutes: 0 },
      { percent: 50, soakMinutes: 0 },
      { percent: 100, soakMinutes: 0 },
    ],
    ...extra,
  });

async function commandsOf(rolloutId: string) {
  return database.db.select().from(deviceCommands).where(eq(deviceCommands.rolloutId, rolloutId));
}
async function reportAll(rolloutId: string, status: "done" | "failed", code?: string) {
  for (const c of await commandsOf(rolloutId))
    if (c.status === "pending" || c.status === "in_progress") await report(database, c.deviceId, c.id, { status, code, firmware: status === "done" ? "1.5.0" : undefined });
}

describe("firmware rollouts", () => {
  it("advances a 10-device rollout 10/50/100 through its stages to completed; another model's device never gets it", async () => {
    const model = uniqueModel();
    const fleet = await claimFleet(database, owner, model, 10);
    const [stranger] = await claimFleet(database, owner, uniqueModel(), 1);
    const sha256 = await imageOf(database, staff, model);
    const { rollout, devices } = await createRollout(database.db, staff, input(sha256));
    expect(devices).toBe(10);
    const stages = await database.db
      .select()
      .from(firmwareRolloutDevices)
      .where(eq(firmwareRolloutDevices.rolloutId, rollout.id));
    expect([0, 1, 2].map((s) => stages.filter((m) => m.stage === s).length)).toEqual([1, 4, 5]);

    // Tick 1 sends stage 1 (one device); until it reports, the rollout stays there.
    expect(await advanceRollout(database.db, rollout.id)).toBe("advanced");
    expect(await commandsOf(rollout.id)).toHaveLength(1);
    expect(await advanceRollout(database.db, rollout.id)).toBe("unchanged");
    expect(await commandsOf(rollout.id)).toHaveLength(1);
    const [first] = await commandsOf(rollout.id);
    expect(first.type).toBe("update_firmware");
    await report(database, first.deviceId, first.id, { status: "in_progress" });
    expect(await advanceRollout(database.db, rollout.id)).toBe("unchanged");
    await reportAll(rollout.id, "done");

    expect(await advanceRollout(database.db, rollout.id)).toBe("advanced");
    expect(await commandsOf(rollout.id)).toHaveLength(5);
    await reportAll(rollout.id, "done");
    expect(await advanceRollout(database.db, rollout.id)).toBe("advanced");
    expect(await commandsOf(rollout.id)).toHaveLength(10);
    await reportAll(rollout.id, "done");
    expect(await advanceRollout(database.db, rollout.id)).toBe("completed");

    const view = await getRollout(database.db, rollout.id);
    expect(view.status).toBe("completed");
    expect(view.totals).toMatchObject({ devices: 10, done: 10, failed: 0, queued: 0 });
    expect(view.stages.map((s) => s.done)).toEqual([1, 4, 5]);
    // Every device of the model got exactly one command; the other model's device none.
    const cmds = await commandsOf(rollout.id);
    expect(new Set(cmds.map((c) => c.deviceId))).toEqual(new Set(fleet));
    expect(await database.db.select().from(deviceCommands).where(eq(deviceCommands.deviceId, stranger))).toHaveLength(0);
    const adoption = await firmwareAdoption(database.db, model);
    expect(adoption.models[0].versions).toEqual([{ firmware: "1.5.0", count: 10 }]);
    const actions = (
      await database.db.select({ action: auditEvents.action }).from(auditEvents).where(inArray(auditEvents.action, ["rollout.created", "rollout.completed"]))
    ).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["rollout.created", "rollout.completed"]));
  });

  it("leaves another model's devices out of an explicit list, and refuses what it cannot start, changing nothing", async () => {
    const model = uniqueModel();
    const fleet = await claimFleet(database, owner, model, 2);
    const [other] = await claimFleet(database, owner, uniqueModel(), 1);
    const sha256 = await imageOf(database, staff, model);
    const before = await database.db.select({ id: firmwareRollouts.id }).from(firmwareRollouts);
    await expect(createRollout(database.db, staff, input("0".repeat(64)))).rejects.toMatchObject({ code: "firmware_not_found" });
    await expect(
      createRollout(database.db, staff, input(sha256, { target: { kind: "devices", deviceIds: [other] } })),
    ).rejects.toMatchObject({ code: "invalid_request" });
    await expect(
      createRollout(database.db, staff, input(sha256, { target: { kind: "selection", filter: { model }, expectedCount: 3 } })),
    ).rejects.toMatchObject({ code: "conflict" });
    expect(await database.db.select({ id: firmwareRollouts.id }).from(firmwareRollouts)).toHaveLength(before.length);

    const { rollout, devices, excluded } = await createRollout(
      database.db,
      staff,
      input(sha256, { target: { kind: "devices", deviceIds: [...fleet, other] } }),
    );
    expect([devices, excluded]).toEqual([2, 1]);
    // One unfinished rollout per model.
    await expect(createRollout(database.db, staff, input(sha256))).rejects.toMatchObject({ code: "conflict" });
    await abortRollout(database.db, staff, rollout.id);

    // A yanked image starts nothing, and pauses a running rollout, which then cannot resume.
    const second = await createRollout(database.db, staff, input(sha256, { target: { kind: "selection", filter: { model }, expectedCount: 2 } }));
    await database.db.update(firmwareImages).set({ yankedAt: new Date() }).where(eq(firmwareImages.sha256, sha256));
    await expect(createRollout(database.db, staff, input(sha256))).rejects.toMatchObject({ code: "firmware_yanked" });
    expect(await advanceRollout(database.db, second.rollout.id)).toBe("paused");
    expect((await getRollout(database.db, second.rollout.id)).pauseReason).toBe("image_yanked");
    expect(await commandsOf(second.rollout.id)).toHaveLength(0);
    await expect(resumeRollout(database.db, staff, second.rollout.id)).rejects.toMatchObject({ code: "conflict" });
    await abortRollout(database.db, staff, second.rollout.id);
  });

  it("pauses on its own when a stage's failures reach the threshold, and goes on when staff resume", async () => {
    const model = uniqueModel();
    await claimFleet(database, owner, model, 20);
    const sha256 = await imageOf(database, staff, model);
    const { rollout } = await createRollout(
      database.db,
      staff,
      input(sha256, { stages: [{ percent: 50, soakMinutes: 0 }, { percent: 100, soakMinutes: 0 }] }),
    );
    await advanceRollout(database.db, rollout.id);
    const sent = await commandsOf(rollout.id);
    expect(sent).toHaveLength(10);
    // 1 of 10 is 10 %: past the default 5 %, before 3 devices.
    await report(database, sent[0].deviceId, sent[0].id, { status: "failed", code: "rolled_back", firmware: "1.4.2" });
    expect(await advanceRollout(database.db, rollout.id)).toBe("paused");
    let view = await getRollout(database.db, rollout.id);
    expect(view).toMatchObject({ status: "paused", pauseReason: "failure_threshold" });
    expect(view.stages[0]).toMatchObject({ failed: 1, rolledBack: 1, failedByCode: { rolled_back: 1 }, queued: 9 });
    const [paused] = await database.db
      .select()
      .from(auditEvents)
      .where(
        and(
          eq(auditEvents.action, "rollout.paused"),
          eq(auditEvents.outcome, "failure"),
          sql`${auditEvents.detail}->>'rolloutId' = ${rollout.id}`,
        ),
      );
    expect(paused.detail).toMatchObject({ reason: "failure_threshold", failedByCode: { rolled_back: 1 } });
    expect(paused).toBeDefined();
    // Paused: nothing more is sent, whatever the devices report.
    for (const c of sent.slice(1)) await report(database, c.deviceId, c.id, { status: "done" });
    expect(await advanceRollout(database.db, rollout.id)).toBe("skipped");
    expect(await commandsOf(rollout.id)).toHaveLength(10);

    await resumeRollout(database.db, staff, rollout.id);
    expect(await advanceRollout(database.db, rollout.id)).toBe("advanced");
    expect(await commandsOf(rollout.id)).toHaveLength(20);
    await reportAll(rollout.id, "done");
    expect(await advanceRollout(database.db, rollout.id)).toBe("completed");
    view = await getRollout(database.db, rollout.id);
    expect(view.totals).toMatchObject({ devices: 20, done: 19, failed: 1 });
    await expect(pauseRollout(database.db, staff, rollout.id)).rejects.toMatchObject({ code: "status_transition_not_allowed" });
  });

  it("abort withdraws the commands no device took, and sends nothing more", async () => {
    const model = uniqueModel();
    const fleet = await claimFleet(database, owner, model, 4);
    const sha256 = await imageOf(database, staff, model);
    const { rollout } = await createRollout(
      database.db,
      staff,
      input(sha256, { stages: [{ percent: 50, soakMinutes: 0 }, { percent: 100, soakMinutes: 0 }] }),
    );
    await advanceRollout(database.db, rollout.id);
    const sent = await commandsOf(rollout.id);
    expect(sent).toHaveLength(2);
    const device = (await findDevice(database.db, sent[0].deviceId))!;
    expect((await deviceProfile(database.db, device)).commands.map((c) => c.type)).toEqual(["update_firmware"]);
    const { cancelledCommands } = await abortRollout(database.db, staff, rollout.id);
    expect(cancelledCommands).toBe(2);
    expect((await deviceProfile(database.db, device)).commands).toEqual([]);
    expect(await advanceRollout(database.db, rollout.id)).toBe("skipped");
    await advanceRollouts(database.db);
    expect(await commandsOf(rollout.id)).toHaveLength(2);
    for (const id of fleet.filter((d) => !sent.some((c) => c.deviceId === d)))
      expect(await commandOf(database, rollout.id, id)).toBeNull();
    const view = await getRollout(database.db, rollout.id);
    expect(view).toMatchObject({ status: "aborted", totals: { expired: 2, waiting: 2, queued: 0 } });
    await expect(resumeRollout(database.db, staff, rollout.id)).rejects.toMatchObject({ code: "status_transition_not_allowed" });
  });

  it("waits for a stage's soak time, and two engines at once send each command once", async () => {
    const model = uniqueModel();
    await claimFleet(database, owner, model, 6);
    const sha256 = await imageOf(database, staff, model);
    const { rollout } = await createRollout(
      database.db,
      staff,
      input(sha256, { stages: [{ percent: 50, soakMinutes: 10 }, { percent: 100, soakMinutes: 0 }] }),
    );
    const [a, b] = await Promise.all([advanceRollout(database.db, rollout.id), advanceRollout(database.db, rollout.id)]);
    // On PostgreSQL the second finds the row locked and skips it; on PGlite (one connection) it
    // runs after the first and finds the stage sent. Either way the stage's commands exist once.
    expect([a, b]).toContain("advanced");
    expect([a, b].filter((x) => x === "advanced")).toHaveLength(1);
    expect(await commandsOf(rollout.id)).toHaveLength(3);
    await reportAll(rollout.id, "done");
    expect(await advanceRollout(database.db, rollout.id)).toBe("unchanged");
    const later = new Date(Date.now() + 11 * 60_000);
    expect(await advanceRollout(database.db, rollout.id, later)).toBe("advanced");
    expect(await commandsOf(rollout.id)).toHaveLength(6);
    await abortRollout(database.db, staff, rollout.id);
  });
});

describe("firmware rollouts and erasure", () => {
  it("erasing a deleted account's device takes it out of a rollout; the rollout goes on", async () => {
    const model = uniqueModel();
    const leaving = await insertAccount(database.db, "rollout-leaving");
    const [gone] = await claimFleet(database, leaving, model, 1);
    const [stays] = await claimFleet(database, owner, model, 1);
    const sha256 = await imageOf(database, staff, model);
    const { rollout } = await createRollout(database.db, staff, input(sha256, { stages: [{ percent: 100, soakMinutes: 0 }] }));
    await advanceRollout(database.db, rollout.id);
    const { erasureIds } = await deleteAccount(database.db, leaving, leaving.id);
    for (const id of erasureIds) expect((await runErasure(database.db, id)).done).toBe(true);
    const members = await database.db
      .select({ deviceId: firmwareRolloutDevices.deviceId })
      .from(firmwareRolloutDevices)
      .where(eq(firmwareRolloutDevices.rolloutId, rollout.id));
    expect(members.map((m) => m.deviceId)).toEqual([stays]);
    expect(members.map((m) => m.deviceId)).not.toContain(gone);
    const [c] = await commandsOf(rollout.id);
    await report(database, c.deviceId, c.id, { status: "done", firmware: "1.5.0" });
    expect(await advanceRollout(database.db, rollout.id)).toBe("completed");
  });
});
