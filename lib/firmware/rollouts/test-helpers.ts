import { randomBytes } from "node:crypto";
import { and, eq } from "drizzle-orm";
import type { Database } from "../../db/client";
import { deviceCommands, devices, firmwareImages, firmwareRolloutDevices } from "../../db/schema";
import { claimTestDevice, testConfig, type TestAccount } from "../../provisioning/test-fixtures";

// Fixtures of the rollout tests: a fleet of claimed devices, an image of their model, and the
// devices' reports on their update commands.

const cfg = testConfig({ devicesPerAccount: 100_000 });

/** A model no earlier test or run used (a reused PostgreSQL database keeps their rollouts). */
export const uniqueModel = () => `rollout-${randomBytes(4).toString("hex")}`;

/** `n` devices of `model` claimed end to end by `owner`. */
export async function claimFleet(database: Database, owner: TestAccount, model: string, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await claimTestDevice(database, cfg, owner, model)).deviceId);
  return out;
}

/** An image of `model` (TEMPORARY: inserted directly until the upload use case is merged). */
export async function imageOf(database: Database, model: string, version = "1.5.0") {
  const sha256 = randomBytes(32).toString("hex");
  await database.db.insert(firmwareImages).values({ sha256, model, version, size: 4096, kid: "k", sig: "s" });
  return sha256;
}

/** The update command a rollout sent `deviceId`, or null. */
export async function commandOf(database: Database, rolloutId: string, deviceId: string) {
  const [m] = await database.db
    .select({ commandId: firmwareRolloutDevices.commandId })
    .from(firmwareRolloutDevices)
    .where(and(eq(firmwareRolloutDevices.rolloutId, rolloutId), eq(firmwareRolloutDevices.deviceId, deviceId)));
  return m?.commandId ?? null;
}

/** The device reports its update's outcome (TEMPORARY: written directly until acknowledgements are merged). */
export async function report(
  database: Database,
  deviceId: string,
  commandId: string,
  ack: { status: "done" | "failed" | "in_progress"; code?: string; firmware?: string },
) {
  await database.db
    .update(deviceCommands)
    .set({ status: ack.status, failureCode: ack.code ?? null, detail: ack.code ? `${ack.code}: test` : null })
    .where(and(eq(deviceCommands.id, commandId), eq(deviceCommands.deviceId, deviceId)));
  if (ack.firmware) await database.db.update(devices).set({ firmware: ack.firmware }).where(eq(devices.id, deviceId));
}
