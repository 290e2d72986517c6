import { and, eq, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { devices } from "../db/schema";
import { AppError } from "../errors/app-error";
import { isUniqueViolation } from "../errors/validate";
import { getOwnedDevice } from "./lifecycle";
import type { DeviceName } from "./schemas";

/** "coreink-heat" and dev_7KQ2... give "Coreink heat 7KQ2": readable, and a code to tell twins apart. */
export function baseDeviceName(model: string, deviceId: string): string {
  const words = model.split("-").filter(Boolean).join(" ");
  return `${words.charAt(0).toUpperCase()}${words.slice(1)} ${deviceId.slice(4, 8)}`;
}

/** A default name not yet used by this owner (names are unique per owner, case-insensitively). */
export async function uniqueDeviceName(tx: Db, ownerId: string, model: string, deviceId: string): Promise<string> {
  const base = baseDeviceName(model, deviceId);
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? base : `${base} (${i})`;
    const [taken] = await tx
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.ownerId, ownerId), sql`lower(${devices.name}) = lower(${candidate})`));
    if (!taken) return candidate;
  }
}

/** Renames an owner's device; names are unique per owner, whatever their case (`name_taken`). */
export async function renameDevice(
  db: Db,
  actor: Actor & { id: string },
  deviceId: string,
  { name }: DeviceName,
): Promise<{ id: string; name: string }> {
  const d = await getOwnedDevice(db, actor.id, deviceId);
  try {
    return await db.transaction(async (tx) => {
      await tx.update(devices).set({ name }).where(eq(devices.id, d.id));
      await recordAudit(tx, actor, {
        action: "device.renamed",
        outcome: "success",
        subjectUserId: actor.id,
        subjectDeviceId: d.id,
        detail: { from: d.name, to: name },
      });
      return { id: d.id, name };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("name_taken", `You already have a device called “${name}”.`);
    throw err;
  }
}
