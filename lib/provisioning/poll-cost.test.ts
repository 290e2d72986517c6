import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import type { Database } from "../db/client";
import { claims, provisioningSessions } from "../db/schema";
import { CHANNEL } from "./events";
import { createClaim } from "./create-claim";
import { pollSession } from "./poll-session";
import { startSession } from "./start-session";
import { insertAccount, testConfig } from "./test-fixtures";
import { pop, stepOf } from "../../device/protocol";
import { withTestDatabase } from "../test-helpers";

// What an idle long poll costs, and that "online" keeps its meaning: a device counts as online
// while a poll of its is open and ONLINE_WINDOW after that poll ended (docs/protocol.md).

let database: Database;
const cfg = testConfig();
const heard: string[] = [];
withTestDatabase(async (d) => {
  database = d;
  await database.listen(CHANNEL, (topic) => heard.push(topic));
});

let ip = 1;
async function device() {
  const seed = randomBytes(32);
  const s = await startSession(
    database.db,
    cfg,
    { model: "coreink-heat", firmware: "1.4.2" },
    { ip: `203.0.113.${ip++}` },
  );
  return { ...s, seed };
}
const lastPollAt = async (sid: string) =>
  (
    await database.db
      .select({ at: provisioningSessions.lastPollAt })
      .from(provisioningSessions)
      .where(eq(provisioningSessions.sid, sid))
  )[0].at!.getTime();

describe("an idle long poll", () => {
  it("sends no notification and records its own end, so the device is online through the poll and after it", async () => {
    const d = await device();
    const before = Date.now();
    const view = await pollSession(database, cfg, d.sid, d.sessionToken, 1);
    expect(view.state).toBe("waiting");
    // One notification would reach this process's listener well within the poll's second.
    expect(heard.filter((t) => t === `session:${d.sid}`)).toEqual([]);
    // Recorded at the start as the poll's deadline: about one second after it began.
    const end = await lastPollAt(d.sid);
    expect(end).toBeGreaterThan(before + 500);
    expect(end).toBeLessThan(Date.now() + 2000);

    // A claim right after finds the device online.
    const user = await insertAccount(database.db, "cost");
    const code = pop(d.seed, d.sid, stepOf(Math.floor(Date.now() / 1000), cfg.stepSeconds));
    const claim = await createClaim(
      database.db,
      cfg,
      { ...user, label: user.email, ip: "192.0.2.9" },
      { sid: d.sid, pop: code },
    );
    expect(claim.claimId).toMatch(/^clm_/);
  });

  it("counts as offline ONLINE_WINDOW after its poll ended, as before", async () => {
    const d = await device();
    await pollSession(database, cfg, d.sid, d.sessionToken, 1);
    const short = { ...cfg, onlineWindowSeconds: 0 };
    // Wait (for the recorded end to pass) by state, not by a guessed delay.
    while ((await lastPollAt(d.sid)) >= Date.now()) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 20));
    const user = await insertAccount(database.db, "cost");
    const code = pop(d.seed, d.sid, stepOf(Math.floor(Date.now() / 1000), cfg.stepSeconds));
    const err = await createClaim(
      database.db,
      short,
      { ...user, label: user.email, ip: "192.0.2.9" },
      { sid: d.sid, pop: code },
    ).catch((e) => e);
    expect(err.code).toBe("device_offline");
  });

  it("a poll the device drops early records when it was dropped, not its deadline", async () => {
    const d = await device();
    const stop = new AbortController();
    const polling = pollSession(database, cfg, d.sid, d.sessionToken, 25, stop.signal);
    // Wait until the poll holds the session (its deadline is recorded), then drop it.
    while (
      !(await database.db.select().from(provisioningSessions).where(eq(provisioningSessions.sid, d.sid)))[0].pollId
    )
      await new Promise((r) => setTimeout(r, 20));
    expect(await lastPollAt(d.sid)).toBeGreaterThan(Date.now() + 20_000);
    stop.abort();
    await polling;
    expect(await lastPollAt(d.sid)).toBeLessThanOrEqual(Date.now() + 1000);
  });

  it("a device re-polling after its poll ended sends no notification; one re-polling during it ends the older poll", async () => {
    const d = await device();
    await pollSession(database, cfg, d.sid, d.sessionToken, 1);
    await pollSession(database, cfg, d.sid, d.sessionToken, 1);
    expect(heard.filter((t) => t === `session:${d.sid}`)).toEqual([]);

    const first = pollSession(database, cfg, d.sid, d.sessionToken, 25);
    while ((await lastPollAt(d.sid)) < Date.now() + 20_000) await new Promise((r) => setTimeout(r, 20));
    const stop = new AbortController();
    const second = pollSession(database, cfg, d.sid, d.sessionToken, 25, stop.signal);
    expect((await first).state).toBe("waiting");
    expect(heard.filter((t) => t === `session:${d.sid}`)).toHaveLength(1);
    stop.abort();
    await second;
  });
});

describe("a waiting poll woken by a change", () => {
  const holding = async (sid: string) => {
    while (!(await database.db.select().from(provisioningSessions).where(eq(provisioningSessions.sid, sid)))[0].pollId)
      await new Promise((r) => setTimeout(r, 20));
  };

  it("gets the challenge at once, the same as a poll that reads it afresh, with the claimant's name", async () => {
    const d = await device();
    const polling = pollSession(database, cfg, d.sid, d.sessionToken, 25).then((v) => ({ v, at: Date.now() }));
    await holding(d.sid);
    const user = await insertAccount(database.db, "woken");
    const code = pop(d.seed, d.sid, stepOf(Math.floor(Date.now() / 1000), cfg.stepSeconds));
    const t0 = Date.now();
    const claim = await createClaim(
      database.db,
      cfg,
      { ...user, label: user.email, ip: "192.0.2.9" },
      { sid: d.sid, pop: code },
    );
    const { v, at } = await polling;
    expect(at - t0).toBeLessThan(5000);
    expect(v).toEqual(await pollSession(database, cfg, d.sid, d.sessionToken, 0));
    expect(v).toMatchObject({ state: "challenge", claimId: claim.claimId, account: { displayName: "Test woken" } });
  });

  it("settles a claim whose deadline has passed (timed out) and goes on waiting", async () => {
    const d = await device();
    const polling = pollSession(database, cfg, d.sid, d.sessionToken, 2);
    await holding(d.sid);
    const user = await insertAccount(database.db, "late");
    const code = pop(d.seed, d.sid, stepOf(Math.floor(Date.now() / 1000), cfg.stepSeconds));
    // A claim that is already past its deadline when the poll wakes for it.
    const expired = { ...cfg, claimTimeoutSeconds: 0 };
    const claim = await createClaim(
      database.db,
      expired,
      { ...user, label: user.email, ip: "192.0.2.9" },
      { sid: d.sid, pop: code },
    );
    expect((await polling).state).toBe("waiting");
    const [c] = await database.db.select().from(claims).where(eq(claims.id, claim.claimId));
    expect(c).toMatchObject({ state: "failed", reason: "timeout" });
  });
});
