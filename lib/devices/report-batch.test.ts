import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { deviceCredentials, devices, measurements } from "../db/schema";
import { batchStats, MAX_WAITING_PER_DEVICE, retryAlone } from "./report-batch";
import { createStudy } from "../studies/studies";
import { studyInput } from "../studies/test-fixtures";
import { provisioningConfig } from "../provisioning/config";
import { insertAccount } from "../provisioning/test-fixtures";
import { batch, keptConfig, keptDevices, nextSecond, POLL, REPORT, signed } from "../http/kept-test-fixtures";

const { db, stored, counted, keptDevice, queueTwoCommands, profileText } = keptDevices();

// Reports that arrive together share one statement (lib/devices/report-batch.ts): each must
// still get exactly the answer, the rows and the count its own statement would have given.
describe("reports that arrive together", () => {
  const devicesKept = (n: number) => Promise.all(Array.from({ length: n }, () => keptDevice()));
  /** `n` readings at a second of their own, each device's values its own. */
  const readings = (n: number, base: number) => {
    const time = nextSecond();
    return JSON.stringify({
      measurements: Array.from({ length: n }, (_, k) => ({ property: `p${k}`, unit: "Cel", time, value: base + k })),
    });
  };
  const valuesOf = async (deviceId: string) =>
    (await db().select().from(measurements).where(eq(measurements.deviceId, deviceId)))
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
    await db()
      .update(deviceCredentials)
      .set({ revokedAt: new Date(), revokedReason: "lost" })
      .where(eq(deviceCredentials.id, revoked.credentialId));
    await db().update(devices).set({ releasedAt: new Date() }).where(eq(devices.id, released.deviceId));
    const perMinute = provisioningConfig().measurementBatchesPerMinute;
    await db().execute(
      sql`insert into rate_limits (key, window_started_at, count) values (${`ingest:device:${limited.deviceId}`}, now(), ${perMinute})`,
    );
    // One below the limit: this report is the last the minute allows.
    await db().execute(
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
    const time = nextSecond();
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
    const staff = await insertAccount(db(), "batch-staff", "staff");
    const study = await createStudy(db(), staff, keptConfig().secretKey, studyInput());
    const [alone, together, ...others] = await devicesKept(4);
    await db().update(devices).set({ studyId: study.id }).where(eq(devices.id, alone.deviceId));
    await db().update(devices).set({ studyId: study.id }).where(eq(devices.id, together.deviceId));
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
      const holder = db().transaction(async (tx) => {
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
      // A held device's poll waits in its line behind its report.
      const heldPoll = signed(held[0], "GET", POLL);
      // In one statement with a held device, and after: neither waits for the holder.
      const together = await Promise.all([
        signed(free[0], "POST", REPORT, batch()),
        signed(free[1], "POST", REPORT, batch()),
      ]);
      for (const o of together) expect(o).toMatchObject({ status: 200, body: { accepted: 3 } });
      // Nor do the other devices' polls.
      const polls = await Promise.all(free.map((d) => signed(d, "GET", POLL)));
      for (const o of polls) expect(o).toMatchObject({ status: 200, macOk: true, body: { commands: [] } });
      expect(Date.now() - t0).toBeLessThan(2000);
      release();
      await holder;
      for (const w of waiting) expect(await w).toMatchObject({ status: 200, body: { accepted: 3 }, macOk: true });
      expect(await heldPoll).toMatchObject({ status: 200, macOk: true, body: { deviceId: held[0].deviceId } });
      for (const d of held) {
        expect(await stored(d.deviceId)).toBe(3);
        expect(await counted(d.deviceId)).toBe(1);
      }
    },
  );
});

// An idle command poll is a fleet's other everyday request: it shares the statement too, and must
// still answer exactly what its own statement would (lib/devices/device-api.ts fusedProfile).
describe("command polls that arrive with reports", () => {
  it("share the statement: each poll gets its own device's profile and commands, is not counted, and the reports are stored", async () => {
    const [commanded, idle, replayed, revoked, stale, reporter, other] = await Promise.all(
      Array.from({ length: 7 }, () => keptDevice()),
    );
    await queueTwoCommands(commanded.deviceId);
    const firstPoll = await signed(replayed, "GET", POLL);
    expect(firstPoll.status).toBe(200);
    await db()
      .update(deviceCredentials)
      .set({ revokedAt: new Date(), revokedReason: "lost" })
      .where(eq(deviceCredentials.id, revoked.credentialId));
    const before = { ...batchStats };
    const [p1, p2, p3, p4, p5, r1, r2] = await Promise.all([
      signed(commanded, "GET", POLL),
      signed(idle, "GET", POLL),
      signed(replayed, "GET", POLL, "", firstPoll.authorization),
      signed(revoked, "GET", POLL),
      signed(stale, "GET", POLL, "", undefined, Date.now() / 1000 - 3600),
      signed(reporter, "POST", REPORT, batch()),
      signed(other, "POST", REPORT, batch()),
    ]);
    expect(batchStats.shared).toBe(before.shared + 1);
    expect(batchStats.reports).toBe(before.reports + 7);
    expect(batchStats.failedWhole).toBe(before.failedWhole);
    expect(p1).toMatchObject({ status: 200, macOk: true });
    expect(JSON.stringify(p1.body)).toBe(await profileText(commanded.deviceId));
    expect(p1.body.commands.map((c: { type: string }) => c.type)).toEqual(["identify", "set_config"]);
    expect(p2).toMatchObject({ status: 200, macOk: true, body: { deviceId: idle.deviceId, commands: [] } });
    expect(JSON.stringify(p2.body)).toBe(await profileText(idle.deviceId));
    expect(p3).toMatchObject({ status: 401, body: { code: "replayed_nonce" } });
    expect(p3.mac).toBeTruthy();
    expect(p4).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    expect(p5).toMatchObject({ status: 401, body: { code: "stale_timestamp" }, macOk: true });
    for (const r of [r1, r2])
      expect(r).toMatchObject({ status: 200, body: { accepted: 3, duplicates: 0 }, macOk: true });
    // A poll is not a batch: nothing counted against its device's limit, nothing stored.
    for (const d of [commanded, idle, replayed, revoked, stale]) {
      expect(await counted(d.deviceId)).toBe(0);
      expect(await stored(d.deviceId)).toBe(0);
    }
    for (const d of [reporter, other]) {
      expect(await stored(d.deviceId)).toBe(3);
      expect(await counted(d.deviceId)).toBe(1);
    }
  });

  it("answer a device past its report limit, and its poll and report together each as their own", async () => {
    const [limited, other] = await Promise.all([keptDevice(), keptDevice()]);
    const perMinute = provisioningConfig().measurementBatchesPerMinute;
    await db().execute(
      sql`insert into rate_limits (key, window_started_at, count) values (${`ingest:device:${limited.deviceId}`}, now(), ${perMinute})`,
    );
    const before = { ...batchStats };
    const [poll, report, otherPoll] = await Promise.all([
      signed(limited, "GET", POLL),
      signed(limited, "POST", REPORT, batch()),
      signed(other, "GET", POLL),
    ]);
    // The device's second request waits for its first: once in a statement.
    expect(batchStats.behindOwn).toBe(before.behindOwn + 1);
    expect(poll).toMatchObject({ status: 200, macOk: true, body: { deviceId: limited.deviceId, commands: [] } });
    expect(report).toMatchObject({ status: 429, body: { code: "rate_limited" }, macOk: true });
    expect(otherPoll).toMatchObject({ status: 200, macOk: true, body: { deviceId: other.deviceId } });
    expect(await counted(limited.deviceId)).toBe(perMinute + 1);
    expect(await stored(limited.deviceId)).toBe(0);
  });

  it("answer a released device's poll and a deleted credential's poll as their own statements would", async () => {
    const [released, deleted, idle] = await Promise.all([keptDevice(), keptDevice(), keptDevice()]);
    await db().update(devices).set({ releasedAt: new Date() }).where(eq(devices.id, released.deviceId));
    await db().delete(deviceCredentials).where(eq(deviceCredentials.id, deleted.credentialId));
    const before = { ...batchStats };
    const [r1, r2, r3] = await Promise.all([
      signed(released, "GET", POLL),
      signed(deleted, "GET", POLL),
      signed(idle, "GET", POLL),
    ]);
    expect(batchStats.shared).toBe(before.shared + 1);
    expect(r1).toMatchObject({ status: 401, body: { code: "credential_revoked" }, macOk: true });
    // As for any unknown id: no MAC, since the server no longer holds the secret.
    expect(r2).toMatchObject({ status: 401, body: { code: "unknown_credential" }, mac: null });
    expect(r3).toMatchObject({ status: 200, macOk: true, body: { deviceId: idle.deviceId, commands: [] } });
  });

  it("take a flood of one device's replayed poll a step at a time, refuse past its line without a statement, and answer its next report", async () => {
    const [flooded, other] = await Promise.all([keptDevice(), keptDevice()]);
    const first = await signed(flooded, "GET", POLL);
    expect(first.status).toBe(200);
    const before = { ...batchStats };
    const COPIES = 100;
    const started = Date.now();
    const [replays, past, otherPoll] = await Promise.all([
      Promise.all(Array.from({ length: COPIES }, () => signed(flooded, "GET", POLL, "", first.authorization))),
      signed(flooded, "POST", REPORT, batch()),
      signed(other, "GET", POLL),
    ]);
    // One in the queue and a line of MAX_WAITING_PER_DEVICE behind it, each answered as a replay;
    // the rest refused at once (429, a second's wait), each with the device's MAC.
    const codes = replays.map((r) => r.body.code);
    expect(codes.filter((c) => c === "replayed_nonce")).toHaveLength(1 + MAX_WAITING_PER_DEVICE);
    expect(codes.filter((c) => c === "rate_limited")).toHaveLength(COPIES - 1 - MAX_WAITING_PER_DEVICE);
    for (const r of replays) expect(r.mac).toBeTruthy();
    expect(past).toMatchObject({ status: 429, body: { code: "rate_limited", retryAfterSeconds: 1 }, macOk: true });
    expect(otherPoll).toMatchObject({ status: 200, macOk: true });
    expect(batchStats.behindOwn - before.behindOwn).toBe(MAX_WAITING_PER_DEVICE);
    expect(batchStats.busy - before.busy).toBe(COPIES - MAX_WAITING_PER_DEVICE);
    expect(batchStats.statements - before.statements).toBeLessThanOrEqual(MAX_WAITING_PER_DEVICE + 2);
    expect(Date.now() - started).toBeLessThan(10_000);
    // Refused past the line, the report was neither counted nor stored; sent again, it is.
    expect(await counted(flooded.deviceId)).toBe(0);
    const next = await signed(flooded, "POST", REPORT, batch());
    expect(next).toMatchObject({ status: 200, body: { accepted: 3 }, macOk: true });
    expect(await stored(flooded.deviceId)).toBe(3);
    expect(await counted(flooded.deviceId)).toBe(1);
  });
});

describe("a shared statement that fails", () => {
  it("sends its reports alone after an error PostgreSQL reports of it, and fails them all when the database is gone", () => {
    // A lock not had in time, a deadlock, a serialization failure, a constraint one report broke.
    for (const code of ["55P03", "40P01", "40001", "23505", "23503"]) expect(retryAlone({ code })).toBe(true);
    expect(retryAlone({ cause: { code: "55P03" } })).toBe(true);
    // The connection or the server: every report's answer, not 64 statements into a database that is gone.
    for (const code of ["08006", "08001", "57P01", "57P03", "53300", "58030"]) expect(retryAlone({ code })).toBe(false);
    expect(retryAlone({ code: "CONNECTION_CLOSED" })).toBe(false);
    // A socket's error passed on by the driver is not a SQLSTATE.
    for (const code of ["EPIPE", "EPERM", "EBADF"])
      expect(retryAlone(Object.assign(new Error(code), { code }))).toBe(false);
    // A corrupt page of one device's rows fails only that device's request alone.
    expect(retryAlone({ code: "XX001" })).toBe(true);
    expect(retryAlone(new Error("write EPIPE"))).toBe(false);
  });
});
