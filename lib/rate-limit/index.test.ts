import { describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { rowsOf, type Database } from "../db/client";
import { countHit, peekLimit, pruneRateLimits } from "./index";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

let n = 0;
const key = (tag: string) => `test:${tag}:${Date.now()}:${n++}`;
const limit = { max: 3, windowSeconds: 60 };

/** Moves a key's window start into the past, as if that much time had gone by. */
const age = (k: string, seconds: number) =>
  database.db.execute(
    sql`update rate_limits set window_started_at = window_started_at - make_interval(secs => ${seconds}) where key = ${k}`,
  );

describe("rate limits: fixed windows in the database", () => {
  it("counts each hit within the window, and says how long until it ends", async () => {
    const k = key("count");
    for (let i = 1; i <= 5; i++) {
      const s = await countHit(database.db, k, limit);
      expect(s.count).toBe(i);
      expect(s.retryAfterSeconds).toBeGreaterThanOrEqual(59);
      expect(s.retryAfterSeconds).toBeLessThanOrEqual(60);
    }
  });

  it("keys count separately", async () => {
    const a = key("a");
    const b = key("b");
    await countHit(database.db, a, limit);
    await countHit(database.db, a, limit);
    expect((await countHit(database.db, b, limit)).count).toBe(1);
  });

  it("retryAfterSeconds shrinks as the window runs out, never below 1", async () => {
    const k = key("retry");
    await countHit(database.db, k, limit);
    await age(k, 45);
    const s = await countHit(database.db, k, limit);
    expect(s.count).toBe(2);
    expect(s.retryAfterSeconds).toBeGreaterThanOrEqual(14);
    expect(s.retryAfterSeconds).toBeLessThanOrEqual(15);
    await age(k, 14.9);
    expect((await countHit(database.db, k, limit)).retryAfterSeconds).toBe(1);
  });

  it("starts a new window once the last one has passed", async () => {
    const k = key("window");
    for (let i = 0; i < 4; i++) await countHit(database.db, k, limit);
    await age(k, 61);
    const s = await countHit(database.db, k, limit);
    expect(s.count).toBe(1);
    expect(s.retryAfterSeconds).toBeGreaterThanOrEqual(59);
  });

  it("starts a new window in real time too (a 1-second window)", async () => {
    const k = key("realtime");
    const second = { max: 1, windowSeconds: 1 };
    await countHit(database.db, k, second);
    expect((await countHit(database.db, k, second)).count).toBe(2);
    await new Promise((r) => setTimeout(r, 1100));
    expect((await countHit(database.db, k, second)).count).toBe(1);
  });

  it("peekLimit reads the state without counting, and 0 for an unknown or ended window", async () => {
    const k = key("peek");
    expect(await peekLimit(database.db, k, limit)).toEqual({ count: 0, retryAfterSeconds: 0 });
    await countHit(database.db, k, limit);
    await countHit(database.db, k, limit);
    for (let i = 0; i < 3; i++) {
      const s = await peekLimit(database.db, k, limit);
      expect(s.count).toBe(2);
      expect(s.retryAfterSeconds).toBeGreaterThan(0);
    }
    expect((await countHit(database.db, k, limit)).count).toBe(3);
    await age(k, 61);
    expect(await peekLimit(database.db, k, limit)).toEqual({ count: 0, retryAfterSeconds: 0 });
  });

  it("pruneRateLimits forgets windows that ended more than a day ago and keeps the rest", async () => {
    const old = key("old");
    const recent = key("recent");
    await countHit(database.db, old, limit);
    await countHit(database.db, recent, limit);
    await age(old, 86_401);
    await age(recent, 3600);
    await pruneRateLimits(database.db);
    const left = rowsOf<{ key: string }>(
      await database.db.execute(sql`select key from rate_limits where key in (${old}, ${recent})`),
    ).map((r) => r.key);
    expect(left).toEqual([recent]);
  });
});
