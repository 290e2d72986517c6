import { and, eq } from "drizzle-orm";
import type { Actor } from "../../audit/record";
import type { Database } from "../../db/client";
import { firmwareRolloutDevices } from "../../db/schema";
import { acknowledgeCommand } from "../../devices/commands";
import { findDevice } from "../../devices/lifecycle";
import { claimTestDevice, testConfig, type TestAccount } from "../../provisioning/test-fixtures";
import { uniqueTestModel, uploadTestFirmware } from "../test-fixtures";

// Fixtures of the rollout tests: a fleet of claimed devices, an image of their model, and the
// devices' reports on their update commands.

const cfg = testConfig({ devicesPerAccount: 100_000 });

/** A model no earlier test or run used (a reused PostgreSQL database keeps their rollouts). */
export const uniqueModel = () => uniqueTestModel("rollout");

/** `n` devices of `model` claimed end to end by `owner`. */
export async function claimFleet(database: Database, owner: TestAccount, model: string, n: number) {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push((await claimTestDevice(database, cfg, owner, model)).deviceId);
  return out;
}

/** An image of `model` uploaded through the real use case, signed by the test firmware key. */
export async function imageOf(database: Database, actor: Actor, model: string, version = "1.5.0") {
  return (await uploadTestFirmware(database.db, actor, { model, version })).image.sha256;
}

/** The update command a rollout sent `deviceId`, or null. */
export async function commandOf(database: Database, rolloutId: string, deviceId: string) {
  const [m] = await database.db
    .select({ commandId: firmwareRolloutDevices.commandId })
    .from(firmwareRolloutDevices)
    .where(and(eq(firmwareRolloutDevices.rolloutId, rolloutId), eq(firmwareRolloutDevices.deviceId, deviceId)));
  return m?.commandId ?? null;
}

/** The device reports its update's outcome, as its signed acknowledgement does (docs/protocol.md section 7). */
export async function report(
  database: Database,
  deviceId: string,
  commandId: string,
  ack: { status: "done" | "failed" | "in_progress"; code?: string; firmware?: string },
) {
  const device = await findDevice(database.db, deviceId);
  if (!device) throw new Error(`no device ${deviceId}`);
  await acknowledgeCommand(database.db, device, commandId, {
    status: ack.status,
    ...(ack.code ? { detail: `${ack.code}: reported by the test` } : {}),
    ...(ack.firmware ? { firmware: ack.firmware } : {}),
  });
}
