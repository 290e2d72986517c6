import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { eq, sql } from "drizzle-orm";
import { deviceProofFor, pop, stepOf } from "../../device/protocol";
import { listAuditEvents } from "../audit/read";
import {
  auditEvents,
  claims,
  deviceCredentials,
  devices,
  measurements,
  provisioningSessions,
  requestNonces,
} from "../db/schema";
import { storeMeasurements } from "../devices/measurements";
import { pruneNonces } from "../devices/signed-request";
import { answerChallenge } from "./answer-challenge";
import { createClaim } from "./create-claim";
import { markPolled, pollSession } from "./poll-session";
import { startSession } from "./start-session";
import { provisioningTestBed } from "./test-fixtures";
import { readClaim } from "./wait-for-claim";

const bed = provisioningTestBed();
const { cfg, participant, device, claimAndAnswer, freshIp } = bed;

describe("provisioning, at rest and in the database", () => {
  it("stores the session token as a hash and the device secret sealed; no device row before the proof", async () => {
    const user = await participant();
    const d = await device();
    const [row] = await bed.database.db.select().from(provisioningSessions).where(eq(provisioningSessions.sid, d.sid));
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(row)).not.toContain(d.sessionToken);

    const c = await createClaim(bed.database.db, cfg, user, { sid: d.sid, pop: d.code });
    const owned = () => bed.database.db.select().from(devices).where(eq(devices.ownerId, user.id));
    expect(await owned()).toEqual([]); // a claim alone creates nothing
    const dump = JSON.stringify(await bed.database.db.execute(sql`select * from claims where id = ${c.claimId}`));
    expect(dump).not.toContain(d.code); // the PoP is sealed while the claim is open

    const ch = await pollSession(bed.database, cfg, d.sid, d.sessionToken, 0);
    if (ch.state !== "challenge") throw new Error("no challenge");
    const deviceNonce = randomBytes(16).toString("base64url");
    const proof = deviceProofFor(d.code, d.sid, c.claimId, ch.nonce, deviceNonce);
    const r = await answerChallenge(
      bed.database.db,
      cfg,
      { sid: d.sid, claimId: c.claimId, sessionToken: d.sessionToken },
      { accept: true, deviceNonce, deviceProof: proof },
    );
    expect(r.state).toBe("claimed");
    expect(await owned()).toHaveLength(1);
    const [cred] = await bed.database.db
      .select()
      .from(deviceCredentials)
      .where(eq(deviceCredentials.deviceId, (await owned())[0].id));
    expect(cred.secretSealed).toMatch(/^v2\.[0-9a-f]{8}\./);
    const [ended] = await bed.database.db
      .execute(sql`select pop_sealed from claims where id = ${c.claimId}`)
      .then((x) => (x as { rows?: unknown[] }).rows ?? (x as unknown[]));
    expect(ended).toEqual({ pop_sealed: null }); // erased once the claim ended

    // The same answer again: the same result, no second device.
    const again = await answerChallenge(
      bed.database.db,
      cfg,
      { sid: d.sid, claimId: c.claimId, sessionToken: d.sessionToken },
      { accept: true, deviceNonce, deviceProof: proof },
    );
    expect(again).toEqual(r);
    expect(await owned()).toHaveLength(1);
    // A different answer to an ended claim is refused.
    const other = await answerChallenge(
      bed.database.db,
      cfg,
      { sid: d.sid, claimId: c.claimId, sessionToken: d.sessionToken },
      { accept: false, reason: "user_declined" },
    ).catch((e) => e);
    expect(other.code).toBe("claim_ended");
  });

  it("of two claims racing in the database, exactly one opens", async () => {
    const [a, b] = await Promise.all([participant(), participant()]);
    const d = await device();
    const results = await Promise.allSettled([
      createClaim(bed.database.db, cfg, a, { sid: d.sid, pop: d.code }),
      createClaim(bed.database.db, cfg, b, { sid: d.sid, pop: d.code }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason.code).toBe("claim_in_progress");
  });

  it("holds one long poll per session: a second poll ends the first at once", async () => {
    const d = await device();
    const first = pollSession(bed.database, cfg, d.sid, d.sessionToken, 25).then((v) => ({ v, at: Date.now() }));
    // Wait until the first poll holds the session, then start the second.
    for (let i = 0; i < 200; i++) {
      const [row] = await bed.database.db
        .select({ pollId: provisioningSessions.pollId })
        .from(provisioningSessions)
        .where(eq(provisioningSessions.sid, d.sid));
      if (row?.pollId) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    const stop = new AbortController();
    const startedSecond = Date.now();
    const second = pollSession(bed.database, cfg, d.sid, d.sessionToken, 25, stop.signal);
    const ended = await first;
    expect(ended.v.state).toBe("waiting");
    expect(ended.at - startedSecond).toBeLessThan(5_000);
    stop.abort();
    expect((await second).state).toBe("waiting");
  });

  it("refuses an answer with another session's token and changes nothing; the device's own answer then claims", async () => {
    const user = await participant();
    const d = await device();
    const other = await device();
    const c = await createClaim(bed.database.db, cfg, user, { sid: d.sid, pop: d.code });
    const ch = await pollSession(bed.database, cfg, d.sid, d.sessionToken, 0);
    if (ch.state !== "challenge") throw new Error("no challenge");
    const deviceNonce = randomBytes(16).toString("base64url");
    const answer = {
      accept: true as const,
      deviceNonce,
      deviceProof: deviceProofFor(d.code, d.sid, c.claimId, ch.nonce, deviceNonce),
    };
    const refused = await answerChallenge(
      bed.database.db,
      cfg,
      { sid: d.sid, claimId: c.claimId, sessionToken: other.sessionToken },
      answer,
    ).catch((e) => e);
    expect(refused.code).toBe("invalid_session_token");
    const unknown = await answerChallenge(
      bed.database.db,
      cfg,
      { sid: "A".repeat(26), claimId: c.claimId, sessionToken: d.sessionToken },
      answer,
    ).catch((e) => e);
    expect(unknown.code).toBe("session_not_found");
    const [claim] = await bed.database.db.select().from(claims).where(eq(claims.id, c.claimId));
    expect(claim.state).toBe("waiting_for_device");
    expect(await bed.database.db.select().from(devices).where(eq(devices.ownerId, user.id))).toEqual([]);
    const claimed = await answerChallenge(
      bed.database.db,
      cfg,
      { sid: d.sid, claimId: c.claimId, sessionToken: d.sessionToken },
      answer,
    );
    expect(claimed.state).toBe("claimed");
  });

  it("audits every outcome: started, claimed, mismatch, declined, claimant locked out, timeout", async () => {
    const user = await participant();
    await claimAndAnswer(user);
    const d = await device();
    for (let i = 0; i < 6; i++) {
      // One decline (which does not count) and five mismatches (which lock this account out).
      const c = await createClaim(bed.database.db, cfg, user, { sid: d.sid, pop: "C".repeat(26) });
      await answerChallenge(
        bed.database.db,
        cfg,
        { sid: d.sid, claimId: c.claimId, sessionToken: d.sessionToken },
        { accept: false, reason: i === 0 ? "user_declined" : "pop_mismatch" },
      );
    }
    const d2 = await device();
    const c2 = await createClaim(bed.database.db, cfg, user, { sid: d2.sid, pop: d2.code });
    await bed.database.db.execute(
      sql`update claims set expires_at = now() - interval '1 second' where id = ${c2.claimId}`,
    );
    expect((await readClaim(bed.database.db, cfg, user.id, c2.claimId)).reason).toBe("timeout");
    const actions = (await listAuditEvents(bed.database.db, { userId: user.id, limit: 200 })).map((e) => e.action);
    for (const a of [
      "claim.created",
      "device.claimed",
      "claim.declined",
      "claim.pop_mismatch",
      "session.claimant_locked_out",
      "claim.timeout",
    ])
      expect(actions).toContain(a);
    const started = await bed.database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.action} = 'session.started' and ${auditEvents.detail}->>'sid' = ${d.sid}`);
    expect(started).toHaveLength(1);
  });

  it("keeps the history when the owner re-provisions", async () => {
    const user = await participant();
    const { result } = await claimAndAnswer(user);
    if (result.state !== "claimed") throw new Error("not claimed");
    await storeMeasurements(bed.database.db, result.deviceId, [
      { property: "temperature", time: 1795392000, value: 20 },
    ]);
    const seed = randomBytes(32);
    const s = await startSession(
      bed.database.db,
      cfg,
      { model: "coreink-heat", firmware: "1.5.0" },
      { ip: freshIp(), signer: { deviceId: result.deviceId, credentialId: result.credentialId } },
    );
    await markPolled(bed.database.db, s.sid);
    const code = pop(seed, s.sid, stepOf(Math.floor(Date.now() / 1000), 30));
    const c = await createClaim(bed.database.db, cfg, user, { sid: s.sid, pop: code });
    const ch = await pollSession(bed.database, cfg, s.sid, s.sessionToken, 0);
    if (ch.state !== "challenge") throw new Error("no challenge");
    const dn = randomBytes(16).toString("base64url");
    const r = await answerChallenge(
      bed.database.db,
      cfg,
      { sid: s.sid, claimId: c.claimId, sessionToken: s.sessionToken },
      { accept: true, deviceNonce: dn, deviceProof: deviceProofFor(code, s.sid, c.claimId, ch.nonce, dn) },
    );
    expect(r).toMatchObject({ state: "claimed", deviceId: result.deviceId });
    expect(
      await bed.database.db.select().from(measurements).where(eq(measurements.deviceId, result.deviceId)),
    ).toHaveLength(1);
    const [dev] = await bed.database.db.select().from(devices).where(eq(devices.id, result.deviceId));
    expect(dev.firmware).toBe("1.5.0");
    const creds = await bed.database.db
      .select()
      .from(deviceCredentials)
      .where(eq(deviceCredentials.deviceId, result.deviceId));
    expect(creds.filter((x) => !x.revokedAt)).toHaveLength(1);
  });
});

describe("housekeeping", () => {
  it("forgets request nonces older than NONCE_MEMORY and keeps recent ones", async () => {
    // A credential of this run: an earlier run's recent nonce may still be kept on a reused PostgreSQL.
    const credentialId = `crd_${randomBytes(10).toString("hex")}`;
    await bed.database.db.insert(requestNonces).values([
      { credentialId, nonce: "old-nonce-aaaaaaaaaaaaaa", requestTs: new Date(Date.now() - 601_000) },
      { credentialId, nonce: "new-nonce-aaaaaaaaaaaaaa", requestTs: new Date() },
      // Seen long ago by the database's clock, but its request is recent on the app's clock (the
      // one the staleness check uses): forgetting it would let a replay through.
      {
        credentialId,
        nonce: "drift-nonce-aaaaaaaaaaaaa",
        seenAt: new Date(Date.now() - 3600_000),
        requestTs: new Date(),
      },
    ]);
    expect(await pruneNonces(bed.database.db, 600)).toBeGreaterThanOrEqual(1);
    const left = await bed.database.db.select().from(requestNonces).where(eq(requestNonces.credentialId, credentialId));
    expect(left.map((n) => n.nonce).sort()).toEqual(["drift-nonce-aaaaaaaaaaaaa", "new-nonce-aaaaaaaaaaaaaa"]);
  });
});
