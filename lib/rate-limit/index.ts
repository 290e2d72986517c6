import { sql, type SQL } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";

export type Limit = { max: number; windowSeconds: number };
export type LimitState = { count: number; retryAfterSeconds: number };

// Fixed windows kept in the database, so every app process counts against the same limit.

/**
 * The statement that counts one event against `key`, returning `key`, `count` and `remaining` (seconds
 * left in the window); also a WITH of a larger statement (lib/devices/measurements.ts).
 */
export function countHitStatement(key: string | SQL, limit: Pick<Limit, "windowSeconds">, when?: SQL, from?: SQL) {
  const w = limit.windowSeconds;
  // `when`: count only if it holds (in a larger statement); `from`: one key a row of it (a statement for several).
  const row = when ? sql`select ${key}, now(), 1 ${from ?? sql``} where ${when}` : sql`values (${key}, now(), 1)`;
  return sql`
      insert into rate_limits (key, window_started_at, count) ${row}
      on conflict (key) do update set
        count = case when rate_limits.window_started_at <= now() - make_interval(secs => ${w})
                     then 1 else rate_limits.count + 1 end,
        window_started_at = case when rate_limits.window_started_at <= now() - make_interval(secs => ${w})
                     then now() else rate_limits.window_started_at end
      returning key, count,
        extract(epoch from (window_started_at + make_interval(secs => ${w}) - now()))::float8 as remaining`;
}

/** What `countHitStatement` returned, as a limit's state. */
export function limitStateOf(row: { count: number | string; remaining: number | string }): LimitState {
  return { count: Number(row.count), retryAfterSeconds: Math.max(1, Math.ceil(Number(row.remaining))) };
}

/** Counts one event against `key` and returns the count in the current window. */
export async function countHit(db: Db, key: string, limit: Limit): Promise<LimitState> {
  const [row] = rowsOf<{ count: number; remaining: number }>(await db.execute(countHitStatement(key, limit)));
  return limitStateOf(row);
}

/** Gives back one counted event (an attempt that turned out legitimate), never below zero. */
export async function refundHit(db: Db, key: string): Promise<void> {
  await db.execute(sql`update rate_limits set count = greatest(count - 1, 0) where key = ${key}`);
}

/** Forgets `key`'s window (after a success that proves the caller, such as the right password and code). */
export async function clearLimit(db: Db, key: string): Promise<void> {
  await db.execute(sql`delete from rate_limits where key = ${key}`);
}

/** The state of `key` without counting; `count` is 0 once the window has passed. */
export async function peekLimit(db: Db, key: string, limit: Limit): Promise<LimitState> {
  const w = limit.windowSeconds;
  const [row] = rowsOf<{ count: number; remaining: number }>(
    await db.execute(sql`
      select count, extract(epoch from (window_started_at + make_interval(secs => ${w}) - now()))::float8 as remaining
      from rate_limits where key = ${key} and window_started_at > now() - make_interval(secs => ${w})`),
  );
  if (!row) return { count: 0, retryAfterSeconds: 0 };
  return { count: Number(row.count), retryAfterSeconds: Math.max(1, Math.ceil(Number(row.remaining))) };
}

/** Forgets windows that ended more than a day ago. */
export async function pruneRateLimits(db: Db): Promise<void> {
  await db.execute(sql`delete from rate_limits where window_started_at < now() - interval '1 day'`);
}
