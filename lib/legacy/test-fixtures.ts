import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterEach, expect } from "vitest";
import type { Database } from "../db/client";
import { legacyNodes, measurements } from "../db/schema";
import { withTestDatabase } from "../test-helpers";
import { AppError } from "../errors/app-error";
import { updateDeviceSettings } from "../models/registry";
import { insertAccount, testConfig, type TestAccount } from "../provisioning/test-fixtures";
import { ingestLegacy, type LegacyConfig } from "./ingest";
import { registerLegacyNode } from "./nodes";

// What the legacy-node tests share: one database per test file (PGlite, or the PostgreSQL of
// DATABASE_URL), a staff account, and the firmware's request as lib/legacy receives it.

export const cfg = testConfig();
export const limits: LegacyConfig = { perNodePerMinute: 1000, perAddressPerMinute: 100_000 };

/** Opens the file's database and its staff account; resets the shared settings row after each test. */
export function openLegacyTestDatabase() {
  const ctx = {} as { database: Database; staff: TestAccount };
  withTestDatabase(async (d) => {
    ctx.database = d;
    ctx.staff = await insertAccount(ctx.database.db, "legacy-staff", "staff");
  });
  // The settings row is shared by every test on a reused PostgreSQL database: always back to the defaults.
  afterEach(() =>
    updateDeviceSettings(ctx.database.db, {
      legacyAcceptAny: false,
      legacyAcceptAnyOwnerId: null,
      legacyCutoffAt: null,
    }),
  );
  return ctx;
}

export const hw = () => `esp8266-${randomUUID().replace(/-/g, "").slice(0, 12)}`;
export const ip = () => `2001:db8:${randomUUID().slice(0, 4)}:${randomUUID().slice(0, 4)}::1`;
export const body = (values: unknown[] = [{ value_type: "temperature", value: "21.50" }]) => ({
  esp8266id: "1234567",
  software_version: "NRZ-2020-129",
  sensordatavalues: values,
});

export type PushOptions = { at?: Date; ip?: string; cfg?: LegacyConfig; authorization?: string | null };

export function pusher(ctx: { database: Database }) {
  return (sensor: string | null, b: unknown = body(), opts: PushOptions = {}) =>
    ingestLegacy(
      ctx.database.db,
      opts.cfg ?? limits,
      { sensorHeader: sensor, authorization: opts.authorization ?? null, body: b, ip: opts.ip ?? ip() },
      opts.at,
    );
}

export async function refusal(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

export async function registeredNode(
  ctx: { database: Database; staff: TestAccount },
  owner: TestAccount,
  model = "sensor-community",
) {
  const hardwareId = hw();
  const node = await registerLegacyNode(ctx.database.db, ctx.staff, {
    hardwareId,
    ownerEmail: owner.email,
    name: `Balcony ${hardwareId}`,
    model,
  });
  return { hardwareId, node };
}

export const readingsOf = (ctx: { database: Database }, deviceId: string) =>
  ctx.database.db
    .select()
    .from(measurements)
    .where(eq(measurements.deviceId, deviceId))
    .orderBy(measurements.property, measurements.time);

export const nodeById = async (ctx: { database: Database }, id: string) =>
  (await ctx.database.db.select().from(legacyNodes).where(eq(legacyNodes.id, id)))[0];
