import { asc, eq, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import {
  deviceModels,
  deviceSettings,
  firmwareImages,
  unlistedProperties,
  type DeviceModel,
  type DeviceSettings,
} from "../db/schema";
import { AppError } from "../errors/app-error";
import type { ModelInput } from "./schemas";

/** The settings row; the defaults (open policy, no legacy switches) until staff change one. */
export async function getDeviceSettings(db: Db): Promise<DeviceSettings> {
  const [row] = await db.select().from(deviceSettings).where(eq(deviceSettings.id, 1));
  return (
    row ?? {
      id: 1,
      modelPolicy: "open",
      legacyAcceptAny: false,
      legacyAcceptAnyOwnerId: null,
      legacyCutoffAt: null,
      updatedAt: new Date(0),
    }
  );
}

/** Writes part of the settings row (creating it on first use) inside the caller's transaction. */
export async function updateDeviceSettings(tx: Db, patch: Partial<Omit<DeviceSettings, "id" | "updatedAt">>) {
  await tx
    .insert(deviceSettings)
    .values({ id: 1, ...patch, updatedAt: new Date() })
    .onConflictDoUpdate({ target: deviceSettings.id, set: { ...patch, updatedAt: new Date() } });
}

/** Dotted numeric parts of a firmware version ("1.4.2-beta" gives [1, 4, 2]), or null when it has none. */
export function firmwareParts(v: string): number[] | null {
  const m = /^v?(\d{1,9}(?:\.\d{1,9})*)/.exec(v);
  return m ? m[1].split(".").map(Number) : null;
}

/** True when `firmware` is at least `min`, comparing dotted numbers (1.10 > 1.9); unparsable is below. */
export function firmwareAtLeast(firmware: string, min: string): boolean {
  const a = firmwareParts(firmware);
  const b = firmwareParts(min);
  if (!a || !b) return false;
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? 0;
    const y = b[i] ?? 0;
    if (x !== y) return x > y;
  }
  return true;
}

/** Whether a model entry allows a firmware: in its list, or at least its minimum; neither set allows any. */
export function firmwareAllowed(m: Pick<DeviceModel, "minFirmware" | "firmwareList">, firmware: string): boolean {
  if (m.firmwareList && m.firmwareList.length > 0 && m.firmwareList.includes(firmware)) return true;
  if (m.minFirmware && firmwareAtLeast(firmware, m.minFirmware)) return true;
  return !m.minFirmware && !(m.firmwareList && m.firmwareList.length > 0);
}

/**
 * The model policy's check of a session start (docs/protocol.md section 1). Under `open` any
 * model passes; under `registry` an unknown model throws `unknown_model` and a firmware the
 * entry does not allow `firmware_not_allowed`.
 */
export async function checkModelPolicy(db: Db, model: string, firmware: string): Promise<void> {
  const settings = await getDeviceSettings(db);
  if (settings.modelPolicy !== "registry") return;
  const [entry] = await db.select().from(deviceModels).where(eq(deviceModels.model, model));
  if (!entry) throw new AppError("unknown_model", `The model “${model}” is not registered on this server.`);
  if (!firmwareAllowed(entry, firmware))
    throw new AppError(
      "firmware_not_allowed",
      entry.minFirmware
        ? `Firmware ${firmware} is below the minimum ${entry.minFirmware} for ${model}.`
        : `Firmware ${firmware} is not an allowed version for ${model}.`,
    );
}

/** The measurement interval a new device of `model` starts with: its registry entry's, else the default (60 s). */
export async function defaultIntervalOf(db: Db, model: string): Promise<number | undefined> {
  const [entry] = await db
    .select({ seconds: deviceModels.defaultIntervalSeconds })
    .from(deviceModels)
    .where(eq(deviceModels.model, model));
  return entry?.seconds;
}

export async function listModels(db: Db): Promise<DeviceModel[]> {
  return db.select().from(deviceModels).orderBy(asc(deviceModels.model));
}

/** Creates or replaces a registry entry, audited. */
export async function saveModel(db: Db, actor: Actor, input: ModelInput): Promise<DeviceModel> {
  return db.transaction(async (tx) => {
    const values = { ...input, updatedAt: new Date() };
    const [before] = await tx.select().from(deviceModels).where(eq(deviceModels.model, input.model));
    const [row] = await tx
      .insert(deviceModels)
      .values(values)
      .onConflictDoUpdate({ target: deviceModels.model, set: values })
      .returning();
    await recordAudit(tx, actor, {
      action: before ? "model.updated" : "model.created",
      outcome: "success",
      detail: { model: input.model, ...(before ? { before: { ...before, createdAt: undefined } } : {}) },
    });
    return row;
  });
}

/** Removes a registry entry (under the registry policy its devices can then no longer start sessions). */
export async function deleteModel(db: Db, actor: Actor, model: string): Promise<void> {
  await db.transaction(async (tx) => {
    // Its firmware images name it (docs/protocol.md section 7): they outlive any registry edit.
    const [image] = await tx
      .select({ sha256: firmwareImages.sha256 })
      .from(firmwareImages)
      .where(eq(firmwareImages.model, model))
      .limit(1);
    if (image) throw new AppError("conflict", "This model has firmware images; it stays in the registry.");
    const [gone] = await tx.delete(deviceModels).where(eq(deviceModels.model, model)).returning();
    if (!gone) throw new AppError("not_found", "No such model.");
    await recordAudit(tx, actor, { action: "model.deleted", outcome: "success", detail: { model } });
  });
}

export async function setModelPolicy(db: Db, actor: Actor, policy: "open" | "registry"): Promise<void> {
  await db.transaction(async (tx) => {
    const before = await getDeviceSettings(tx);
    await updateDeviceSettings(tx, { modelPolicy: policy });
    await recordAudit(tx, actor, {
      action: "model.policy_changed",
      outcome: "success",
      detail: { from: before.modelPolicy, to: policy },
    });
  });
}

/**
 * Flags the properties of a batch that the device's model entry does not list, so staff see
 * a firmware sending something new. The readings themselves are stored either way.
 */
export async function flagUnlistedProperties(
  db: Db,
  model: string,
  deviceId: string,
  properties: Iterable<string>,
): Promise<void> {
  const [entry] = await db
    .select({ properties: deviceModels.properties })
    .from(deviceModels)
    .where(eq(deviceModels.model, model));
  const listed = entry ? new Set(entry.properties.map((p) => p.property)) : null;
  await recordUnlistedProperties(db, model, deviceId, listed, properties);
}

/**
 * `flagUnlistedProperties` with the model entry's listed properties already read (null: the
 * model has no entry, and nothing is flagged). No statement when every property is listed.
 */
export async function recordUnlistedProperties(
  db: Db,
  model: string,
  deviceId: string,
  listed: Set<string> | null,
  properties: Iterable<string>,
): Promise<void> {
  if (!listed) return;
  const unlisted = [...new Set(properties)].filter((p) => !listed.has(p));
  if (unlisted.length === 0) return;
  await db
    .insert(unlistedProperties)
    .values(unlisted.map((property) => ({ model, property, lastDeviceId: deviceId })))
    .onConflictDoUpdate({
      target: [unlistedProperties.model, unlistedProperties.property],
      set: { lastSeenAt: sql`now()`, lastDeviceId: deviceId },
    });
}

/** The flagged properties, newest first, for the staff models page. */
export async function listUnlistedProperties(db: Db) {
  return db
    .select()
    .from(unlistedProperties)
    .orderBy(sql`${unlistedProperties.lastSeenAt} desc`)
    .limit(200);
}
