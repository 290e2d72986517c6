import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { eq } from "drizzle-orm";
import { openDatabase, type Database } from "../../db/client";
import { deviceCommands } from "../../db/schema";
import { insertAccount } from "../../provisioning/test-fixtures";
import { claimFleet, imageOf, report, uniqueModel } from "./test-helpers";

// A restart: the rollout's whole state is in the database, so an engine loaded afresh over a
// newly opened database (the embedded one reopened from its directory, or a new pool on
// PostgreSQL) carries on from where the first stopped, sending no stage twice.

const dir = mkdtempSync(path.join(os.tmpdir(), "claimlink-rollout-restart-"));
const url = process.env.DATABASE_URL;
const open = () => (url ? openDatabase({ driver: "postgres", url, max: 4 }) : openDatabase({ driver: "pglite", dataDir: dir }));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("firmware rollouts across a restart", () => {
  it("resume from the database: a fresh engine goes on with the next stage and sends nothing twice", async () => {
    let database: Database = await open();
    const staff = await insertAccount(database.db, "restart-staff", "staff");
    const owner = await insertAccount(database.db, "restart-owner");
    const model = uniqueModel();
    await claimFleet(database, owner, model, 4);
    const sha256 = await imageOf(database, staff, model);
    const { createRollout } = await import("./create");
    const { createRolloutSchema } = await import("./schemas");
    let engine = await import("./engine");
    const { rollout } = await createRollout(
      database.db,
      staff,
      createRolloutSchema.parse({
        sha256,
        target: { kind: "model" },
        stages: [
          { percent: 50, soakMinutes: 0 },
          { percent: 100, soakMinutes: 0 },
        ],
      }),
    );
    expect(await engine.advanceRollout(database.db, rollout.id)).toBe("advanced");
    const sent = await database.db.select().from(deviceCommands).where(eq(deviceCommands.rolloutId, rollout.id));
    expect(sent).toHaveLength(2);
    for (const c of sent) await report(database, c.deviceId, c.id, { status: "done", firmware: "1.5.0" });
    await database.close();

    // The process ends; a new one loads the engine and opens the database again.
    vi.resetModules();
    database = await open();
    engine = await import("./engine");
    const views = await import("./views");
    expect((await views.getRollout(database.db, rollout.id)).stages.map((s) => s.done)).toEqual([2, 0]);
    expect(await engine.advanceRollout(database.db, rollout.id)).toBe("advanced");
    const all = await database.db.select().from(deviceCommands).where(eq(deviceCommands.rolloutId, rollout.id));
    expect(all).toHaveLength(4);
    expect(new Set(all.map((c) => c.deviceId)).size).toBe(4);
    for (const c of all.filter((c) => c.status === "pending"))
      await report(database, c.deviceId, c.id, { status: "done", firmware: "1.5.0" });
    expect(await engine.advanceRollout(database.db, rollout.id)).toBe("completed");
    await database.close();
  }, 180_000); // the embedded database reopened from disk runs its migrations: slow on a loaded machine
});
