import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { deviceCredentials, devices } from "../db/schema";
import { provisioningConfig } from "../provisioning/config";
import { batch, keptDevices, POLL, REPORT, signed } from "./kept-test-fixtures";

// A credential the app process has seen is kept (its device and secret), and a report is then
// verified and stored in one statement (lib/devices/signed-request.ts, docs/decisions/0016).
// What a device relies on must not change: a revocation, a release or a deletion made by any
// process (here: straight in the database, as another app process would) holds at the next
// request, and the limit, replays and resent batches answer as they always did. Reports and
// polls that arrive together: lib/devices/report-batch.test.ts.

const { db, stored, counted, keptDevice, queueTwoCommands, profileText } = keptDevices();

describe("a credential the app process keeps", () => {
  it("stores a report, counts it against the limit, and answers a resent batch with its duplicates", async () => {
    const dev = await keptDevice();
    const body = batch();
    const first = await signed(dev, "POST", REPORT, body);
    expect(first).toMatchObject({ status: 200, body: { accepted: 3, duplicates: 0, rejected: [] }, macOk: true });
    expect(await stored(dev.deviceId)).toBe(3);
    expect(await counted(dev.deviceId)).toBe(1);
    const again = await signed(dev, "POST", REPORT, body);
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 3, rejected: [] }, macOk: true });
    expect(await stored(dev.deviceId)).toBe(3);
    expect(await counted(dev.deviceId)).toBe(2);
  });

  it("refuses a replayed report (replayed_nonce, MACed) and stores nothing twice", async () => {
    const dev = await keptDevice();
    const body = batch();
    const first = await signed(dev, "POST", REPORT, body);
    expect(first.status).toBe(200);
    const replay = await signed(dev, "POST", REPORT, body, first.authorization);
    expect(replay.status).toBe(401);
    expect(replay.body.code).toBe("replayed_nonce");
    expect(replay.mac).toBeTruthy();
    expect(await stored(dev.deviceId)).toBe(3);
    expect(await counted(dev.deviceId)).toBe(1);
  });

  it("refuses at once a credential revoked by another process (credential_revoked, MACed), storing and counting nothing", async () => {
    const dev = await keptDevice();
    await db()
      .update(deviceCredentials)
      .set({ revokedAt: new Date(), revokedReason: "lost" })
      .where(eq(deviceCredentials.id, dev.credentialId));
    const r = await signed(dev, "POST", REPORT, batch());
    expect(r).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    expect(await stored(dev.deviceId)).toBe(0);
    expect(await counted(dev.deviceId)).toBe(0);
    expect((await signed(dev, "GET", POLL)).body.code).toBe("credential_revoked");
  });

  it("refuses at once a device released by another process", async () => {
    const dev = await keptDevice();
    await db().update(devices).set({ releasedAt: new Date() }).where(eq(devices.id, dev.deviceId));
    const r = await signed(dev, "POST", REPORT, batch());
    expect(r).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    expect(await stored(dev.deviceId)).toBe(0);
  });

  it("answers a credential deleted since as unknown_credential, without a MAC (as for any unknown id)", async () => {
    const dev = await keptDevice();
    await db().delete(deviceCredentials).where(eq(deviceCredentials.id, dev.credentialId));
    const r = await signed(dev, "POST", REPORT, batch());
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("unknown_credential");
    expect(r.mac).toBeNull();
    expect(await stored(dev.deviceId)).toBe(0);
  });

  it("past the limit answers 429 rate_limited with Retry-After, MACed, and stores nothing", async () => {
    const dev = await keptDevice();
    const perMinute = provisioningConfig().measurementBatchesPerMinute;
    await db().execute(
      sql`insert into rate_limits (key, window_started_at, count) values (${`ingest:device:${dev.deviceId}`}, now(), ${perMinute})`,
    );
    const r = await signed(dev, "POST", REPORT, batch());
    expect(r).toMatchObject({ status: 429, body: { code: "rate_limited" }, macOk: true });
    expect(r.body.retryAfterSeconds).toBeGreaterThan(0);
    expect(await stored(dev.deviceId)).toBe(0);
  });

  it("refuses a wrong signature as bad_signature, and a body it cannot read as invalid_request, both MACed", async () => {
    const dev = await keptDevice();
    const forged = await signed({ ...dev, secret: randomBytes(32) }, "POST", REPORT, batch());
    expect(forged.status).toBe(401);
    expect(forged.body.code).toBe("bad_signature");
    expect(forged.mac).toBeTruthy();
    const bad = await signed(dev, "POST", REPORT, "{not json");
    expect(bad).toMatchObject({ status: 400, body: { code: "invalid_request" }, macOk: true });
    expect(await counted(dev.deviceId)).toBe(1);
    expect(await stored(dev.deviceId)).toBe(0);
  });

  it("answers a poll with the profile and pending commands, byte for byte as the handler's own read", async () => {
    const dev = await keptDevice();
    await queueTwoCommands(dev.deviceId);
    const r = await signed(dev, "GET", POLL);
    expect(r).toMatchObject({ status: 200, macOk: true });
    expect(JSON.stringify(r.body)).toBe(await profileText(dev.deviceId));
    expect(r.body.commands.map((c: { type: string }) => c.type)).toEqual(["identify", "set_config"]);
  });
});
