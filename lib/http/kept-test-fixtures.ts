import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, expect } from "vitest";
import { eq } from "drizzle-orm";
import { authorizationHeader, expectedResponseMac } from "../../device/protocol";
import { handleApiRequest } from "../api/router";
import { appDatabase, type Database } from "../db/client";
import { devices, measurements, rateLimits } from "../db/schema";
import { deviceProfile, queueCommand } from "../devices/commands";
import { provisioningConfig } from "../provisioning/config";
import { claimTestDevice, insertAccount } from "../provisioning/test-fixtures";

// Claimed devices whose credential the app process keeps (lib/devices/signed-request.ts), and
// their signed requests through the /api/v1 router, for the tests of a device's everyday
// requests: lib/http/device-route-kept.test.ts and lib/devices/report-batch.test.ts.

export type KeptDevice = Awaited<ReturnType<typeof claimTestDevice>>;
export const REPORT = "/api/v1/devices/me/measurements";
export const POLL = "/api/v1/devices/me";

export const keptConfig = () => ({ ...provisioningConfig(), claimsPerHour: 100_000, sessionStartsPerMinute: 100_000 });

const freshIp = () => `2001:db8:${randomBytes(6).toString("hex").match(/.{4}/g)!.join(":")}::1`;

/** A signed request through the /api/v1 router; `macOk` says whether its response MAC is the device's. */
export async function signed(
  dev: KeptDevice,
  method: string,
  path: string,
  body = "",
  replay?: string,
  ts = Date.now() / 1000,
) {
  const { header, nonce } = authorizationHeader(dev.credentialId, dev.secret, method, path, Math.floor(ts), body);
  const authorization = replay ?? header;
  const res = await handleApiRequest(
    new Request(`http://localhost${path}`, {
      method,
      headers: { authorization, "content-type": "application/json", "x-forwarded-for": freshIp() },
      body: method === "GET" ? undefined : body,
    }),
  );
  const text = await res.text();
  const mac = res.headers.get("claimlink-response-mac");
  return {
    status: res.status,
    body: text ? JSON.parse(text) : null,
    mac,
    macOk: mac === expectedResponseMac(dev.secret, nonce, res.status, text),
    authorization,
  };
}

let t = Math.floor(Date.now() / 1000) - 86_400;
/** A second of its own for a report's readings. */
export const nextSecond = () => t++;

/** Three readings at a second of their own. */
export const batch = () => {
  const time = nextSecond();
  return JSON.stringify({
    measurements: [
      { property: "temperature", unit: "Cel", time, value: 21.5 },
      { property: "humidity", unit: "%RH", time, value: 40 },
      { property: "pressure", unit: "hPa", time, value: 1013 },
    ],
  });
};

/**
 * The app's database for the file (opened before its tests, closed after), with what the tests
 * read of it: a device's stored readings, its count against the per-minute limit, and a claimed
 * device whose credential this process has seen (one signed request answered).
 */
export function keptDevices() {
  let database!: Database;
  beforeAll(async () => {
    database = await appDatabase();
  });
  afterAll(async () => {
    await database.close();
    delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
  });
  const db = () => database.db;
  return {
    database: () => database,
    db,
    stored: async (deviceId: string) =>
      (await db().select().from(measurements).where(eq(measurements.deviceId, deviceId))).length,
    counted: async (deviceId: string) =>
      (
        await db()
          .select()
          .from(rateLimits)
          .where(eq(rateLimits.key, `ingest:device:${deviceId}`))
      )[0]?.count ?? 0,
    /** Two commands pending for the device, `identify` then `set_config`, as staff queue them. */
    async queueTwoCommands(deviceId: string) {
      const staff = await insertAccount(db(), "kept-staff", "staff");
      await queueCommand(db(), staff, deviceId, { type: "identify", params: {} }, 3600);
      await queueCommand(
        db(),
        staff,
        deviceId,
        { type: "set_config", params: { measurementIntervalSeconds: 120 } },
        3600,
      );
    },
    /** The device's profile as the handler's own read gives it (`deviceProfile`), as JSON text. */
    async profileText(deviceId: string) {
      const [device] = await db().select().from(devices).where(eq(devices.id, deviceId));
      return JSON.stringify(await deviceProfile(db(), device));
    },
    async keptDevice(): Promise<KeptDevice> {
      const owner = await insertAccount(db(), "kept");
      const dev = await claimTestDevice(database, keptConfig(), owner);
      expect((await signed(dev, "GET", POLL)).status).toBe(200);
      return dev;
    },
  };
}
