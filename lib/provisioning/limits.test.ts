// The limits of docs/protocol.md as shipped: session starts per address, claims and devices per
// account (under parallel answers too), the 1.1 claimant and session lockouts, and the cap on
// audited refusals.
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { and, eq, isNull, sql } from "drizzle-orm";
import { deviceProofFor } from "../../device/protocol";
import { CLI_ACTOR, recordRefusal } from "../audit/record";
import { openDatabase, rowsOf } from "../db/client";
import { auditEvents, devices, provisioningSessions } from "../db/schema";
import { answerChallenge } from "./answer-challenge";
import { createClaim } from "./create-claim";
import { pollSession } from "./poll-session";
import { startSession } from "./start-session";
import { provisioningTestBed } from "./test-fixtures";

const bed = provisioningTestBed();
const { cfg, participant, device, claimAndAnswer, freshIp } = bed;

describe("limits", () => {
  it("limits session starts per IP (30 a minute by default) with a retry time", async () => {
    const ip = freshIp();
    for (let i = 0; i < 30; i++) await startSession(bed.database.db, cfg, { model: "m", firmware: "1" }, { ip });
    const err = await startSession(bed.database.db, cfg, { model: "m", firmware: "1" }, { ip }).catch((e) => e);
    expect(err.code).toBe("rate_limited");
    expect(err.extra.retryAfterSeconds).toBeGreaterThan(0);
    expect(err.extra.retryAfterSeconds).toBeLessThanOrEqual(60);
    await expect(
      startSession(bed.database.db, cfg, { model: "m", firmware: "1" }, { ip: freshIp() }),
    ).resolves.toBeTruthy();
  });

  it("limits claims per account (30 an hour by default), counting refused ones too", async () => {
    const user = await participant();
    for (let i = 0; i < 30; i++) {
      await createClaim(bed.database.db, cfg, user, { sid: "A".repeat(26), pop: "B".repeat(26) }).catch((e) =>
        expect(e.code).toBe("session_not_found"),
      );
    }
    const err = await createClaim(bed.database.db, cfg, user, { sid: "A".repeat(26), pop: "B".repeat(26) }).catch(
      (e) => e,
    );
    expect(err.code).toBe("rate_limited");
    expect(err.detail).toMatch(/Try again in \d+ minutes?/);
  });

  it("counts session starts from IPv6 addresses by their /64", async () => {
    const limits = { ...cfg, sessionStartsPerMinute: 2 };
    const net = `2001:db8:${randomBytes(4)
      .toString("hex")
      .replace(/(.{4})/, "$1:")}`;
    const start = (host: string) =>
      startSession(bed.database.db, limits, { model: "coreink-heat", firmware: "1.4.2" }, { ip: `${net}::${host}` });
    await start("1");
    await start("2");
    expect((await start("abcd:1").catch((e) => e)).code).toBe("rate_limited");
  });

  it("limits devices per account (25 by default)", async () => {
    const user = await participant();
    const small = { ...cfg, devicesPerAccount: 2 };
    await claimAndAnswer(user);
    await claimAndAnswer(user);
    const d = await device();
    expect((await createClaim(bed.database.db, small, user, { sid: d.sid, pop: d.code }).catch((e) => e)).code).toBe(
      "quota_exceeded",
    );
    expect(cfg.devicesPerAccount).toBe(25);
  });

  it("holds the device quota under parallel claims on different sessions (the owner's row is the lock)", async () => {
    const user = await participant();
    const small = { ...cfg, devicesPerAccount: 2 };
    await claimAndAnswer(user);
    // Three claims, each allowed when made (one device of two), answered all at once.
    const open = [];
    for (let i = 0; i < 3; i++) {
      const d = await device();
      const c = await createClaim(bed.database.db, small, user, { sid: d.sid, pop: d.code });
      const ch = await pollSession(bed.database, small, d.sid, d.sessionToken, 0);
      if (ch.state !== "challenge") throw new Error("no challenge");
      open.push({ d, c, ch });
    }
    const answers = await Promise.all(
      open.map(({ d, c, ch }) => {
        const deviceNonce = randomBytes(16).toString("base64url");
        return answerChallenge(
          bed.database.db,
          small,
          { sid: d.sid, claimId: c.claimId, sessionToken: d.sessionToken },
          { accept: true, deviceNonce, deviceProof: deviceProofFor(d.code, d.sid, c.claimId, ch.nonce, deviceNonce) },
        ).catch((e: { code?: string }) => e.code);
      }),
    );
    const owned = await bed.database.db
      .select()
      .from(devices)
      .where(and(eq(devices.ownerId, user.id), isNull(devices.releasedAt)));
    expect(owned).toHaveLength(2);
    expect(answers.filter((a) => typeof a === "object" && a.state === "claimed")).toHaveLength(1);
  });

  it("(1.1) locks out a claimant after MAX_POP_FAILURES, and the session for everyone after MAX_SESSION_POP_FAILURES", async () => {
    const limits = { ...cfg, maxPopFailures: 2, maxSessionPopFailures: 4 };
    const [a, b, c] = [await participant(), await participant(), await participant()];
    const d = await device();
    const wrong = async (user: typeof a) => {
      const cl = await createClaim(bed.database.db, limits, user, { sid: d.sid, pop: "C".repeat(26) });
      return answerChallenge(
        bed.database.db,
        limits,
        { sid: d.sid, claimId: cl.claimId, sessionToken: d.sessionToken },
        { accept: false, reason: "pop_mismatch" },
      );
    };
    expect((await wrong(a)).state).toBe("waiting");
    expect((await wrong(a)).state).toBe("waiting");
    const locked = await createClaim(bed.database.db, limits, a, { sid: d.sid, pop: d.code }).catch((e) => e);
    expect(locked.code).toBe("session_locked"); // a is out; the session is not
    expect((await wrong(b)).state).toBe("waiting");
    expect((await wrong(b)).state).toBe("locked"); // four in all
    const late = await createClaim(bed.database.db, limits, c, { sid: d.sid, pop: d.code }).catch((e) => e);
    expect(late.code).toBe("session_locked");
    const [row] = await bed.database.db.select().from(provisioningSessions).where(eq(provisioningSessions.sid, d.sid));
    expect(row).toMatchObject({ state: "locked", popFailures: 4 });
  });

  it("records at most 20 refusals per key in 10 minutes, so a flood cannot fill the audit log", async () => {
    const key = `flood-${Date.now()}`;
    let recorded = 0;
    for (let i = 0; i < 25; i++)
      if (
        await recordRefusal(bed.database.db, CLI_ACTOR, {
          action: "device.request_refused",
          code: "bad_signature",
          caller: key,
          detail: { key },
        })
      )
        recorded++;
    expect(recorded).toBe(20);
    const rows = await bed.database.db
      .select()
      .from(auditEvents)
      .where(sql`${auditEvents.detail}->>'key' = ${key}`);
    expect(rows).toHaveLength(20);
  });

  it.skipIf(!process.env.DATABASE_URL)(
    "a flood of claims from one account cannot take every pooled connection and stall the process (PostgreSQL)",
    async () => {
      // A claim must not hold one pooled connection (its transaction) while it waits for another
      // (the rate-limit count): with as many claims at once as the pool has connections, every
      // transaction would wait for a count that no connection is left to run.
      const small = await openDatabase({ driver: "postgres", url: process.env.DATABASE_URL!, max: 2 });
      try {
        const user = await participant();
        const flood = Promise.allSettled(
          Array.from({ length: 8 }, () =>
            createClaim(small.db, cfg, user, { sid: "A".repeat(26), pop: "B".repeat(26) }),
          ),
        );
        const stalled = new Promise<"stalled">((r) => setTimeout(() => r("stalled"), 5000).unref());
        const results = await Promise.race([flood, stalled]);
        expect(results).not.toBe("stalled");
        const codes = (results as PromiseSettledResult<unknown>[]).map((r) =>
          r.status === "rejected" ? (r.reason as { code?: string }).code : "claimed",
        );
        expect(codes).toEqual(Array(8).fill("session_not_found"));
        // The pool still answers.
        expect(rowsOf(await small.db.execute(sql`select 1 as one`))).toEqual([{ one: 1 }]);
      } finally {
        await small.close();
      }
    },
    20_000,
  );
});
