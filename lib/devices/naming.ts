import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { devices } from "../db/schema";

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
