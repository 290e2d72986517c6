import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationHeader } from "../../device/protocol";
import { appDatabase, type Database } from "../db/client";
import { deviceCredentials, devices } from "../db/schema";
import { provisioningConfig } from "../provisioning/config";
import { claimTestDevice, insertAccount } from "../provisioning/test-fixtures";

// A signed request marks the credential used and the device seen (one statement with the
// nonce); a replayed or forged one marks nothing. Through the real route, on the app's database.

let database: Database;
beforeAll(async () => {
  database = await appDatabase();
});
afterAll(async () => {
  await database.close();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
});

async function get(header: string) {
  const { handleApiRequest } = await import("../api/router");
  const req = new Request("http://localhost/api/v1/devices/me", {
    headers: { authorization: header, "x-forwarded-for": "198.51.100.77" },
  });
  return (await handleApiRequest(req)).status;
}

const marks = async (deviceId: string, credentialId: string) => ({
  seen: (await database.db.select().from(devices).where(eq(devices.id, deviceId)))[0].lastSeenAt?.getTime() ?? null,
  used:
    (
      await database.db.select().from(deviceCredentials).where(eq(deviceCredentials.id, credentialId))
    )[0].lastUsedAt?.getTime() ?? null,
});

describe("last seen and last used", () => {
  it("are set by a signed request, and not by its replay or a forged one", async () => {
    const cfg = { ...provisioningConfig(), claimsPerHour: 100_000, sessionStartsPerMinute: 100_000 };
    const owner = await insertAccount(database.db, "seen");
    const dev = await claimTestDevice(database, cfg, owner);
    // An hour ago, so any write shows.
    await database.db.execute(
      sql`update devices set last_seen_at = now() - interval '1 hour' where id = ${dev.deviceId}`,
    );
    const before = await marks(dev.deviceId, dev.credentialId);
    expect(before.used).toBeNull();

    const { header } = authorizationHeader(
      dev.credentialId,
      dev.secret,
      "GET",
      "/api/v1/devices/me",
      Math.floor(Date.now() / 1000),
      "",
    );
    expect(await get(header)).toBe(200);
    const after = await marks(dev.deviceId, dev.credentialId);
    expect(after.seen!).toBeGreaterThan(Date.now() - 60_000);
    expect(after.used!).toBeGreaterThan(Date.now() - 60_000);

    // Replayed and forged: refused, and neither time moves (set them back to see it).
    await database.db.execute(
      sql`update devices set last_seen_at = now() - interval '1 hour' where id = ${dev.deviceId}`,
    );
    await database.db.execute(
      sql`update device_credentials set last_used_at = now() - interval '1 hour' where id = ${dev.credentialId}`,
    );
    const old = await marks(dev.deviceId, dev.credentialId);
    expect(await get(header)).toBe(401);
    const forged = authorizationHeader(
      dev.credentialId,
      Buffer.alloc(32, 7),
      "GET",
      "/api/v1/devices/me",
      Math.floor(Date.now() / 1000),
      "",
    );
    expect(await get(forged.header)).toBe(401);
    expect(await marks(dev.deviceId, dev.credentialId)).toEqual(old);
  });
});
