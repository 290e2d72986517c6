import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eq, inArray, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { authSessions, claims, measurements, provisioningSessions, rateLimits, requestNonces } from "../db/schema";
import { storeMeasurements } from "../devices/measurements";
import { claimTestDevice, insertAccount, testConfig } from "../provisioning/test-fixtures";
import { describeHousekeeping, runHousekeeping } from "./run";
import { withTestDatabase } from "../test-helpers";

let database: Database;
const cfg = testConfig();
withTestDatabase((d) => {
  database = d;
});

const DAY = 86_400_000;
const id = (p: string) => `${p}_${randomBytes(8).toString("hex")}`;

describe("housekeeping", () => {
  it("removes what expired long ago and keeps what is recent; measurements only past the retention", async () => {
    const owner = await insertAccount(database.db, "house");
    const dev = await claimTestDevice(database, cfg, owner); // a recent session with a claim: kept
    const now = Date.now();
    const oldSid = id("OLD").toUpperCase();
    await database.db.insert(provisioningSessions).values({
      sid: oldSid,
      tokenHash: "x",
      model: "m",
      firmware: "f",
      state: "expired",
      expiresAt: new Date(now - 8 * DAY),
    });
    await database.db.insert(claims).values({
      id: id("clm"),
      sid: oldSid,
      userId: owner.id,
      nonce: "n",
      serverProof: "p",
      state: "failed",
      reason: "timeout",
      expiresAt: new Date(now - 8 * DAY),
    });
    const [oldSignIn, liveSignIn] = [id("ses"), id("ses")];
    await database.db.insert(authSessions).values([
      { id: oldSignIn, tokenHash: id("h"), userId: owner.id, expiresAt: new Date(now - 2 * DAY) },
      { id: liveSignIn, tokenHash: id("h"), userId: owner.id, expiresAt: new Date(now + DAY) },
    ]);
    const [oldKey, liveKey] = [id("test:house"), id("test:house")];
    await database.db.insert(rateLimits).values([
      { key: oldKey, windowStartedAt: new Date(now - 2 * DAY), count: 1 },
      { key: liveKey, windowStartedAt: new Date(now), count: 1 },
    ]);
    await database.db.insert(requestNonces).values([
      { credentialId: dev.credentialId, nonce: "house-old-aaaaaaaaaaaaaa", requestTs: new Date(now - 3600_000) },
      { credentialId: dev.credentialId, nonce: "house-new-aaaaaaaaaaaaaa", requestTs: new Date(now) },
    ]);
    await storeMeasurements(database.db, dev.deviceId, [
      { property: "t", time: new Date(now - 40 * DAY).toISOString(), value: 1 },
      { property: "t", time: new Date(now - DAY).toISOString(), value: 2 },
    ]);

    const forever = await runHousekeeping(
      database.db,
      { nonceMemorySeconds: 660, measurementRetentionDays: null },
      now,
    );
    expect(forever.skipped).toBe(false);
    expect(forever.provisioningSessions).toBeGreaterThanOrEqual(1);
    expect(forever.claims).toBeGreaterThanOrEqual(1);
    expect(forever.signInSessions).toBeGreaterThanOrEqual(1);
    expect(forever.rateLimits).toBeGreaterThanOrEqual(1);
    expect(forever.nonces).toBeGreaterThanOrEqual(1);
    expect(forever.measurements).toBe(0);
    expect(describeHousekeeping(forever)).toMatch(/^\[housekeeping\] removed \d+ provisioning session/);

    const sessions = await database.db
      .select({ sid: provisioningSessions.sid })
      .from(provisioningSessions)
      .where(inArray(provisioningSessions.sid, [oldSid, dev.sid]));
    expect(sessions.map((s) => s.sid)).toEqual([dev.sid]);
    const signIns = await database.db
      .select({ id: authSessions.id })
      .from(authSessions)
      .where(inArray(authSessions.id, [oldSignIn, liveSignIn]));
    expect(signIns.map((s) => s.id)).toEqual([liveSignIn]);
    const limits = await database.db
      .select({ key: rateLimits.key })
      .from(rateLimits)
      .where(inArray(rateLimits.key, [oldKey, liveKey]));
    expect(limits.map((l) => l.key)).toEqual([liveKey]);
    const nonces = await database.db
      .select({ nonce: requestNonces.nonce })
      .from(requestNonces)
      .where(eq(requestNonces.credentialId, dev.credentialId));
    expect(nonces.map((n) => n.nonce)).toEqual(["house-new-aaaaaaaaaaaaaa"]);

    const kept30 = await runHousekeeping(database.db, { nonceMemorySeconds: 660, measurementRetentionDays: 30 }, now);
    expect(kept30.measurements).toBeGreaterThanOrEqual(1);
    const left = await database.db.select().from(measurements).where(eq(measurements.deviceId, dev.deviceId));
    expect(left.map((m) => m.value)).toEqual([2]);
  });

  it.skipIf(!process.env.DATABASE_URL)("runs in one process at a time: a held lock skips the run", async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const holder = database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${0x636c6b68})`);
      locked();
      await held;
    });
    await isLocked;
    try {
      const r = await runHousekeeping(database.db, { nonceMemorySeconds: 660, measurementRetentionDays: null });
      expect(r.skipped).toBe(true);
      expect(describeHousekeeping(r)).toContain("skipped");
    } finally {
      release();
      await holder;
    }
  });
});
