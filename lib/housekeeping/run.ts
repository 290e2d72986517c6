import { inArray, lt, sql } from "drizzle-orm";
import { rowsOf, type Db } from "../db/client";
import { authSessions, claims, measurements, provisioningSessions, rateLimits, webhookEvents } from "../db/schema";
import { pruneNonces } from "../devices/signed-request";

// What nothing else ever deletes: ended provisioning sessions and their claims, expired sign-in
// sessions, old rate-limit windows and nonces, and (when a retention is set) old measurements.
// The audit log is never pruned here (it is append-only, migration 0001).

/** How long an expired provisioning session (and its claims) is kept, for support questions. */
export const SESSION_KEEP_DAYS = 7;
/** How long an expired sign-in session is kept (the account's session list shows recent ones). */
export const SIGN_IN_SESSION_KEEP_DAYS = 1;
/** How long a webhook event is kept, with its deliveries and their log (docs/integrations.md). */
export const WEBHOOK_EVENT_KEEP_DAYS = 30;
/** Rows deleted per statement, so no run holds long locks. */
const BATCH = 1000;
/** pg_advisory lock key: one housekeeping run at a time across every app process. */
const LOCK_KEY = 0x636c6b68; // "clkh"

export type HousekeepingConfig = { nonceMemorySeconds: number; measurementRetentionDays: number | null };
export type HousekeepingReport = {
  skipped: boolean;
  provisioningSessions: number;
  claims: number;
  signInSessions: number;
  rateLimits: number;
  nonces: number;
  measurements: number;
  webhookEvents: number;
};

const daysAgo = (now: number, days: number) => new Date(now - days * 86_400_000);

async function deleteExpiredSessions(tx: Db, now: number, report: HousekeepingReport) {
  for (;;) {
    const old = await tx
      .select({ sid: provisioningSessions.sid })
      .from(provisioningSessions)
      .where(lt(provisioningSessions.expiresAt, daysAgo(now, SESSION_KEEP_DAYS)))
      .limit(BATCH);
    if (old.length === 0) return;
    const sids = old.map((s) => s.sid);
    report.claims += (await tx.delete(claims).where(inArray(claims.sid, sids)).returning({ id: claims.id })).length;
    report.provisioningSessions += (
      await tx
        .delete(provisioningSessions)
        .where(inArray(provisioningSessions.sid, sids))
        .returning({ sid: provisioningSessions.sid })
    ).length;
    if (old.length < BATCH) return;
  }
}

/**
 * One housekeeping run, under a transaction-scoped advisory lock: when another process holds
 * it, nothing is done and `skipped` is true. Returns what was removed.
 */
export async function runHousekeeping(db: Db, cfg: HousekeepingConfig, now = Date.now()): Promise<HousekeepingReport> {
  const report: HousekeepingReport = {
    skipped: false,
    provisioningSessions: 0,
    claims: 0,
    signInSessions: 0,
    rateLimits: 0,
    nonces: 0,
    measurements: 0,
    webhookEvents: 0,
  };
  await db.transaction(async (tx) => {
    const [lock] = rowsOf<{ ok: boolean }>(await tx.execute(sql`select pg_try_advisory_xact_lock(${LOCK_KEY}) as ok`));
    if (!lock.ok) {
      report.skipped = true;
      return;
    }
    await deleteExpiredSessions(tx, now, report);
    report.signInSessions = (
      await tx
        .delete(authSessions)
        .where(lt(authSessions.expiresAt, daysAgo(now, SIGN_IN_SESSION_KEEP_DAYS)))
        .returning({ id: authSessions.id })
    ).length;
    report.rateLimits = (
      await tx
        .delete(rateLimits)
        .where(lt(rateLimits.windowStartedAt, daysAgo(now, 1)))
        .returning({ key: rateLimits.key })
    ).length;
    report.nonces = await pruneNonces(tx, cfg.nonceMemorySeconds, now);
    // Old events go with their deliveries and attempts (cascade), delivered or not.
    report.webhookEvents = (
      await tx
        .delete(webhookEvents)
        .where(lt(webhookEvents.createdAt, daysAgo(now, WEBHOOK_EVENT_KEEP_DAYS)))
        .returning({ id: webhookEvents.id })
    ).length;
    if (cfg.measurementRetentionDays !== null) {
      const cutoff = daysAgo(now, cfg.measurementRetentionDays).toISOString();
      const [{ n }] = rowsOf<{ n: number | string }>(
        await tx.execute(
          sql`with gone as (delete from ${measurements} where time < ${cutoff}::timestamptz returning 1) select count(*) as n from gone`,
        ),
      );
      report.measurements = Number(n);
    }
  });
  return report;
}

/** The log line of a run. */
export function describeHousekeeping(r: HousekeepingReport): string {
  if (r.skipped) return "[housekeeping] another process is running it; skipped";
  return (
    `[housekeeping] removed ${r.provisioningSessions} provisioning session(s), ${r.claims} claim(s), ` +
    `${r.signInSessions} expired sign-in session(s), ${r.rateLimits} rate-limit window(s), ${r.nonces} nonce(s), ` +
    `${r.measurements} measurement(s), ${r.webhookEvents} webhook event(s)`
  );
}
