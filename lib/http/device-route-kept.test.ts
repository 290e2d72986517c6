import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { authorizationHeader, expectedResponseMac } from "../../device/protocol";
import { handleApiRequest } from "../api/router";
import { appDatabase, type Database } from "../db/client";
import { deviceCredentials, devices, measurements, rateLimits } from "../db/schema";
import { deviceProfile, queueCommand } from "../devices/commands";
import { batchStats } from "../devices/report-batch";
import { createStudy } from "../studies/studies";
import { studyInput } from "../studies/test-fixtures";
import { provisioningConfig } from "../provisioning/config";
import { claimTestDevice, insertAccount } from "../provisioning/test-fixtures";

// A credential the app process has seen is kept (its device and secret), and a report is then
// verified and stored in one statement (lib/devices/signed-request.ts, docs/decisions/0016).
// What a device relies on must not change: a revocation, a release or a deletion made by any
// process (here: straight in the database, as another app process would) holds at the next
// request, and the limit, replays and resent batches answer as they always did.

let database: Database;
const cfg = () => ({ ...provisioningConfig(), claimsPerHour: 100_000, sessionStartsPerMinute: 100_000 });
const REPORT = "/api/v1/devices/me/measurements";
type Dev = Awaited<ReturnType<typeof claimTestDevice>>;

beforeAll(async () => {
  database = await appDatabase();
});
afterAll(async () => {
  await database.close();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
});

const freshIp = () => `2001:db8:${randomBytes(6).toString("hex").match(/.{4}/g)!.join(":")}::1`;

/** A signed request through the /api/v1 router; `macOk` says whether its response MAC is the device's. */
async function signed(dev: Dev, method: string, path: string, body = "", replay?: string, ts = Date.now() / 1000) {
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
/** Three readings at a second of their own. */
const batch = () => {
  const time = t++;
  return JSON.stringify({
    measurements: [
      { property: "temperature", unit: "Cel", time, value: 21.5 },
      { property: "humidity", unit: "%RH", time, value: 40 },
      { property: "pressure", unit: "hPa", time, value: 1013 },
    ],
  });
};

const stored = async (deviceId: string) =>
  (await database.db.select().from(measurements).where(eq(measurements.deviceId, deviceId))).length;
const counted = async (deviceId: string) =>
  (
    await database.db
      .select()
      .from(rateLimits)
      .where(eq(rateLimits.key, `ingest:device:${deviceId}`))
  )[0]?.count ?? 0;

/** A claimed device whose credential this process has seen (one signed request answered). */
async function keptDevice(): Promise<Dev> {
  const owner = await insertAccount(database.db, "kept");
  const dev = await claimTestDevice(database, cfg(), owner);
  expect((await signed(dev, "GET", "/api/v1/devices/me")).status).toBe(200);
  return dev;
}

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
    await database.db
      .update(deviceCredentials)
      .set({ revokedAt: new Date(), revokedReason: "lost" })
      .where(eq(deviceCredentials.id, dev.credentialId));
    const r = await signed(dev, "POST", REPORT, batch());
    expect(r).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    expect(await stored(dev.deviceId)).toBe(0);
    expect(await counted(dev.deviceId)).toBe(0);
    expect((await signed(dev, "GET", "/api/v1/devices/me")).body.code).toBe("credential_revoked");
  });

  it("refuses at once a device released by another process", async () => {
    const dev = await keptDevice();
    await database.db.update(devices).set({ releasedAt: new Date() }).where(eq(devices.id, dev.deviceId));
    const r = await signed(dev, "POST", REPORT, batch());
    expect(r).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    expect(await stored(dev.deviceId)).toBe(0);
  });

  it("answers a credential deleted since as unknown_credential, without a MAC (as for any unknown id)", async () => {
    const dev = await keptDevice();
    await database.db.delete(deviceCredentials).where(eq(deviceCredentials.id, dev.credentialId));
    const r = await signed(dev, "POST", REPORT, batch());
    expect(r.status).toBe(401);
    expect(r.body.code).toBe("unknown_credential");
    expect(r.mac).toBeNull();
    expect(await stored(dev.deviceId)).toBe(0);
  });

  it("past the limit answers 429 rate_limited with Retry-After, MACed, and stores nothing", async () => {
    const dev = await keptDevice();
    const perMinute = provisioningConfig().measurementBatchesPerMinute;
    await database.db.execute(
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
    const staff = await insertAccount(database.db, "kept-staff", "staff");
    await queueCommand(database.db, staff, dev.deviceId, { type: "identify", params: {} }, 3600);
    await queueCommand(
      database.db,
      staff,
      dev.deviceId,
      { type: "set_config", params: { measurementIntervalSeconds: 120 } },
      3600,
    );
    const r = await signed(dev, "GET", "/api/v1/devices/me");
    expect(r).toMatchObject({ status: 200, macOk: true });
    const [device] = await database.db.select().from(devices).where(eq(devices.id, dev.deviceId));
    expect(JSON.stringify(r.body)).toBe(JSON.stringify(await deviceProfile(database.db, device)));
    expect(r.body.commands.map((c: { type: string }) => c.type)).toEqual(["identify", "set_config"]);
  });
});

// Reports that arrive together share one statement (lib/devices/report-batch.ts): each must
// still get exactly the answer, the rows and the count its own statement would have given.
describe("reports that arrive together", () => {
  const devicesKept = (n: number) => Promise.all(Array.from({ length: n }, () => keptDevice()));
  /** `n` readings at a second of their own, each device's values its own. */
  const readings = (n: number, base: number) => {
    const time = t++;
    return JSON.stringify({
      measurements: Array.from({ length: n }, (_, k) => ({ property: `p${k}`, unit: "Cel", time, value: base + k })),
    });
  };
  const valuesOf = async (deviceId: string) =>
    (await database.db.select().from(measurements).where(eq(measurements.deviceId, deviceId)))
      .map((m) => m.value)
      .sort((a, b) => a - b);

  it("share a statement, and each device's readings are stored, counted and MACed as its own", async () => {
    const devs = await devicesKept(8);
    const before = { ...batchStats };
    const answers = await Promise.all(devs.map((d, i) => signed(d, "POST", REPORT, readings(i + 1, 100 * i))));
    answers.forEach((a, i) =>
      expect(a).toMatchObject({ status: 200, body: { accepted: i + 1, duplicates: 0, rejected: [] }, macOk: true }),
    );
    expect(batchStats.shared).toBeGreaterThan(before.shared);
    expect(batchStats.failedWhole).toBe(before.failedWhole);
    for (const [i, d] of devs.entries()) {
      expect(await valuesOf(d.deviceId)).toEqual(Array.from({ length: i + 1 }, (_, k) => 100 * i + k));
      expect(await counted(d.deviceId)).toBe(1);
    }
  });

  it("answer each report for itself: a replay, a revoked credential, a released device, a stale time, a device past its limit", async () => {
    const [replayed, revoked, released, stale, limited, edge, good] = await devicesKept(7);
    const replayedBody = batch();
    const first = await signed(replayed, "POST", REPORT, replayedBody);
    expect(first.status).toBe(200);
    await database.db
      .update(deviceCredentials)
      .set({ revokedAt: new Date(), revokedReason: "lost" })
      .where(eq(deviceCredentials.id, revoked.credentialId));
    await database.db.update(devices).set({ releasedAt: new Date() }).where(eq(devices.id, released.deviceId));
    const perMinute = provisioningConfig().measurementBatchesPerMinute;
    await database.db.execute(
      sql`insert into rate_limits (key, window_started_at, count) values (${`ingest:device:${limited.deviceId}`}, now(), ${perMinute})`,
    );
    // One below the limit: this report is the last the minute allows.
    await database.db.execute(
      sql`insert into rate_limits (key, window_started_at, count) values (${`ingest:device:${edge.deviceId}`}, now(), ${perMinute - 1})`,
    );
    const before = { ...batchStats };
    const [r1, r2, r3, r4, r5, r6, r7] = await Promise.all([
      signed(replayed, "POST", REPORT, replayedBody, first.authorization),
      signed(revoked, "POST", REPORT, batch()),
      signed(released, "POST", REPORT, batch()),
      signed(stale, "POST", REPORT, batch(), undefined, Date.now() / 1000 - 3600),
      signed(limited, "POST", REPORT, batch()),
      signed(edge, "POST", REPORT, batch()),
      signed(good, "POST", REPORT, batch()),
    ]);
    expect(batchStats.shared).toBe(before.shared + 1);
    expect(batchStats.reports).toBe(before.reports + 7);
    expect(batchStats.failedWhole).toBe(before.failedWhole);
    expect(r1).toMatchObject({ status: 401, body: { code: "replayed_nonce" } });
    expect(r1.mac).toBeTruthy();
    expect(r2).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    expect(r3).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    expect(r4).toMatchObject({ status: 401, body: { code: "stale_timestamp" }, macOk: true });
    expect(r5).toMatchObject({ status: 429, body: { code: "rate_limited" }, macOk: true });
    expect(r6).toMatchObject({ status: 200, body: { accepted: 3 }, macOk: true });
    expect(r7).toMatchObject({ status: 200, body: { accepted: 3 }, macOk: true });
    expect(await stored(replayed.deviceId)).toBe(3);
    expect(await counted(replayed.deviceId)).toBe(1);
    for (const d of [revoked, released, stale, limited]) expect(await stored(d.deviceId)).toBe(0);
    for (const d of [revoked, released, stale]) expect(await counted(d.deviceId)).toBe(0);
    expect(await counted(limited.deviceId)).toBe(perMinute + 1);
    expect(await counted(edge.deviceId)).toBe(perMinute);
    expect(await stored(edge.deviceId)).toBe(3);
    expect(await stored(good.deviceId)).toBe(3);
  });

  it("count a resent batch's readings as duplicates, and a reading twice in one report once, without failing the others", async () => {
    const [resender, twice, ...others] = await devicesKept(5);
    const body = batch();
    expect((await signed(resender, "POST", REPORT, body)).status).toBe(200);
    const time = t++;
    const reading = { property: "temperature", unit: "Cel", time, value: 20 };
    const twiceBody = JSON.stringify({ measurements: [reading, reading, { ...reading, property: "humidity" }] });
    const before = { ...batchStats };
    const [again, both, ...rest] = await Promise.all([
      signed(resender, "POST", REPORT, body),
      signed(twice, "POST", REPORT, twiceBody),
      ...others.map((d) => signed(d, "POST", REPORT, batch())),
    ]);
    expect(batchStats.shared).toBe(before.shared + 1);
    expect(batchStats.failedWhole).toBe(before.failedWhole);
    expect(again).toMatchObject({ status: 200, body: { accepted: 0, duplicates: 3 }, macOk: true });
    expect(both).toMatchObject({ status: 200, body: { accepted: 2, duplicates: 1 }, macOk: true });
    for (const r of rest) expect(r).toMatchObject({ status: 200, body: { accepted: 3, duplicates: 0 }, macOk: true });
    expect(await stored(resender.deviceId)).toBe(3);
    expect(await counted(resender.deviceId)).toBe(2);
    expect(await stored(twice.deviceId)).toBe(2);
    for (const d of others) {
      expect(await stored(d.deviceId)).toBe(3);
      expect(await counted(d.deviceId)).toBe(1);
    }
  });

  it("answer a device in a study as its own statement would (the study's own way)", async () => {
    const staff = await insertAccount(database.db, "batch-staff", "staff");
    const study = await createStudy(database.db, staff, cfg().secretKey, studyInput());
    const [alone, together, ...others] = await devicesKept(4);
    await database.db.update(devices).set({ studyId: study.id }).where(eq(devices.id, alone.deviceId));
    await database.db.update(devices).set({ studyId: study.id }).where(eq(devices.id, together.deviceId));
    const own = await signed(alone, "POST", REPORT, batch());
    const before = { ...batchStats };
    const [shared, ...rest] = await Promise.all([
      signed(together, "POST", REPORT, batch()),
      ...others.map((d) => signed(d, "POST", REPORT, batch())),
    ]);
    expect(batchStats.shared).toBe(before.shared + 1);
    expect({ status: shared.status, body: shared.body.code ?? shared.body }).toEqual({
      status: own.status,
      body: own.body.code ?? own.body,
    });
    expect(shared.macOk).toBe(true);
    expect(await stored(together.deviceId)).toBe(await stored(alone.deviceId));
    expect(await counted(together.deviceId)).toBe(await counted(alone.deviceId));
    for (const r of rest) expect(r).toMatchObject({ status: 200, body: { accepted: 3 } });
  });

  it("keep a device's second report at once for the statement after: each stored and counted once", async () => {
    const [twice, other] = await devicesKept(2);
    const before = { ...batchStats };
    const answers = await Promise.all([
      signed(twice, "POST", REPORT, batch()),
      signed(twice, "POST", REPORT, batch()),
      signed(other, "POST", REPORT, batch()),
    ]);
    for (const a of answers) expect(a).toMatchObject({ status: 200, body: { accepted: 3 }, macOk: true });
    expect(batchStats.behindOwn).toBe(before.behindOwn + 1);
    expect(batchStats.failedWhole).toBe(before.failedWhole);
    expect(await stored(twice.deviceId)).toBe(6);
    expect(await counted(twice.deviceId)).toBe(2);
    expect(await stored(other.deviceId)).toBe(3);
  });

  // PGlite is one connection: a transaction held open there would hold everything.
  it.skipIf(!process.env.DATABASE_URL)(
    "do not wait for devices whose rows another transaction holds: the others are answered meanwhile",
    async () => {
      const devs = await devicesKept(10);
      const held = devs.slice(0, 5);
      const free = devs.slice(5);
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      let locked!: () => void;
      const isLocked = new Promise<void>((r) => (locked = r));
      // As a staff change or an account's deletion holds them (lib/accounts/delete-account.ts).
      const holder = database.db.transaction(async (tx) => {
        for (const d of held) await tx.execute(sql`select 1 from devices where id = ${d.deviceId} for update`);
        locked();
        await released;
      });
      await isLocked;
      const t0 = Date.now();
      // One at a time, so each is a statement of its own, more of them than statements may run.
      const waiting = [];
      for (const d of held) {
        waiting.push(signed(d, "POST", REPORT, batch()));
        await new Promise((r) => setTimeout(r, 70)); // past STALL_MS: a statement of its own
      }
      const others = await Promise.all(free.map((d) => signed(d, "POST", REPORT, batch())));
      for (const o of others) expect(o).toMatchObject({ status: 200, body: { accepted: 3 }, macOk: true });
      // In one statement with a held device, and after: neither waits for the holder.
      const together = await Promise.all([
        signed(free[0], "POST", REPORT, batch()),
        signed(free[1], "POST", REPORT, batch()),
      ]);
      for (const o of together) expect(o).toMatchObject({ status: 200, body: { accepted: 3 } });
      expect(Date.now() - t0).toBeLessThan(2000);
      release();
      await holder;
      for (const w of waiting) expect(await w).toMatchObject({ status: 200, body: { accepted: 3 }, macOk: true });
      for (const d of held) {
        expect(await stored(d.deviceId)).toBe(3);
        expect(await counted(d.deviceId)).toBe(1);
      }
    },
  );
});
