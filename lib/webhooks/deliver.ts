import { randomInt } from "node:crypto";
import { and, eq, isNull, sql } from "drizzle-orm";
import { recordAudit, SYSTEM_ACTOR } from "../audit/record";
import type { SealKeys } from "../crypto/seal";
import { rowsOf, type Db } from "../db/client";
import { webhookAttempts, webhookDeliveries, webhookEvents, webhookSubscriptions } from "../db/schema";
import type { Resolver } from "./destination";
import { webhookBody } from "./events";
import { postWebhook, SEND_TIMEOUT_MS, type SendResult } from "./send";
import { openWebhookSecret, webhookHeaders } from "./signature";

// The delivery worker (docs/decisions/0026): due deliveries are taken from the table with
// FOR UPDATE SKIP LOCKED under a lease, so several processes never take the same one and a
// process that dies mid-attempt leaves it to the next run once the lease has passed. Each
// attempt is sent outside any transaction and logged afterwards; a failure is retried with
// exponential backoff and jitter; a subscription failing for a day is disabled.

export type DeliveryConfig = {
  keys: SealKeys;
  allowLoopback: boolean;
  retryBaseSeconds: number;
  retryMaxSeconds: number;
  disableAfterSeconds: number;
  /** Deliveries taken per run. */
  batch?: number;
  resolve?: Resolver;
  timeoutMs?: number;
};

/** A subscription disabled by this run, for its owner's notice (sent after the transaction). */
export type DisabledSubscription = { id: string; ownerId: string; url: string };
export type DeliveryReport = { attempted: number; delivered: number; failed: number; disabled: DisabledSubscription[] };

/** Lease of a taken delivery: longer than an attempt can take. */
const LEASE_MS = SEND_TIMEOUT_MS * 3;

/**
 * The delay before retry `attempt` (1 for the first retry): base × 2^(attempt−1), capped, with
 * "equal jitter" (half fixed, half random), so retries of many deliveries spread out while each
 * delay is at least the previous one.
 */
export function retryDelaySeconds(attempt: number, base: number, max: number): number {
  const full = Math.min(max, base * 2 ** Math.min(attempt - 1, 30));
  const half = full / 2;
  return half + (randomInt(0, 1_000_001) / 1_000_000) * half;
}

type Taken = { id: string; subscriptionId: string; eventId: string; attempts: number };

async function takeDue(db: Db, now: Date, limit: number): Promise<Taken[]> {
  const until = new Date(now.getTime() + LEASE_MS).toISOString();
  const at = now.toISOString();
  const rows = rowsOf<{ id: string; subscription_id: string; event_id: string; attempts: number }>(
    await db.execute(sql`
      update ${webhookDeliveries} set locked_until = ${until}::timestamptz, attempts = attempts + 1
      where id in (
        select d.id from ${webhookDeliveries} d join ${webhookSubscriptions} s on s.id = d.subscription_id
        where d.state = 'pending' and d.next_attempt_at <= ${at}::timestamptz
          and (d.locked_until is null or d.locked_until <= ${at}::timestamptz) and s.disabled_at is null
        order by d.next_attempt_at limit ${limit}
        for update of d skip locked)
      returning id, subscription_id, event_id, attempts`),
  );
  return rows.map((r) => ({ id: r.id, subscriptionId: r.subscription_id, eventId: r.event_id, attempts: r.attempts }));
}

/** The secrets that sign now: the current one, and the previous one during its day after a roll. */
function signingSecrets(keys: SealKeys, s: typeof webhookSubscriptions.$inferSelect, now: Date): Buffer[] {
  const secrets = [openWebhookSecret(keys, s.id, s.secretSealed)];
  if (s.previousSecretSealed && s.previousSecretExpiresAt && s.previousSecretExpiresAt > now)
    secrets.push(openWebhookSecret(keys, s.id, s.previousSecretSealed));
  return secrets;
}

async function attempt(db: Db, cfg: DeliveryConfig, d: Taken, now: Date): Promise<SendResult> {
  const [s] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, d.subscriptionId));
  const [e] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, d.eventId));
  const body = webhookBody(e, s);
  const timestamp = Math.floor(Date.now() / 1000);
  const headers = {
    ...webhookHeaders(signingSecrets(cfg.keys, s, now), e.id, timestamp, body),
    "user-agent": "Claimlink-Webhooks/1",
  };
  return postWebhook(new URL(s.url), headers, body, {
    allowLoopback: cfg.allowLoopback,
    resolve: cfg.resolve,
    timeoutMs: cfg.timeoutMs,
  });
}

/** Logs an attempt and moves the delivery on: delivered, or due again after a backoff. */
async function recordAttempt(
  db: Db,
  cfg: DeliveryConfig,
  d: Taken,
  started: Date,
  r: SendResult,
): Promise<DisabledSubscription | null> {
  return db.transaction(async (tx) => {
    await tx.insert(webhookAttempts).values({
      deliveryId: d.id,
      startedAt: started,
      durationMs: r.durationMs,
      status: r.status,
      error: r.error,
      responseSnippet: r.snippet,
    });
    const now = new Date(started.getTime() + r.durationMs);
    if (r.error === null) {
      await tx
        .update(webhookDeliveries)
        .set({ state: "delivered", deliveredAt: now, lockedUntil: null })
        .where(eq(webhookDeliveries.id, d.id));
      await tx
        .update(webhookSubscriptions)
        .set({ failingSince: null })
        .where(eq(webhookSubscriptions.id, d.subscriptionId));
      return null;
    }
    const delay = retryDelaySeconds(d.attempts, cfg.retryBaseSeconds, cfg.retryMaxSeconds);
    await tx
      .update(webhookDeliveries)
      .set({ nextAttemptAt: new Date(now.getTime() + delay * 1000), lockedUntil: null })
      .where(and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.state, "pending")));
    const [s] = await tx
      .update(webhookSubscriptions)
      .set({ failingSince: sql`coalesce(${webhookSubscriptions.failingSince}, ${started.toISOString()}::timestamptz)` })
      .where(eq(webhookSubscriptions.id, d.subscriptionId))
      .returning();
    if (s.disabledAt || !s.failingSince) return null;
    if (now.getTime() - s.failingSince.getTime() < cfg.disableAfterSeconds * 1000) return null;
    const [off] = await tx
      .update(webhookSubscriptions)
      .set({ disabledAt: now, disabledReason: "failing", updatedAt: now })
      .where(and(eq(webhookSubscriptions.id, s.id), isNull(webhookSubscriptions.disabledAt)))
      .returning();
    if (!off) return null;
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "webhook.disabled",
      outcome: "success",
      subjectUserId: off.ownerId,
      detail: { subscriptionId: off.id, failingSince: s.failingSince.toISOString(), lastError: r.error },
    });
    return { id: off.id, ownerId: off.ownerId, url: off.url };
  });
}

/**
 * One run of the worker: takes up to `batch` due deliveries, sends each and logs it. `now`
 * decides what is due (tests move it on); the attempt's own times are the clock's.
 */
export async function runDeliveries(db: Db, cfg: DeliveryConfig, now = new Date()): Promise<DeliveryReport> {
  const report: DeliveryReport = { attempted: 0, delivered: 0, failed: 0, disabled: [] };
  const runStart = Date.now();
  const taken = await takeDue(db, now, cfg.batch ?? 20);
  await Promise.all(
    taken.map(async (d) => {
      const started = new Date(now.getTime() + Date.now() - runStart);
      const r = await attempt(db, cfg, d, now);
      report.attempted++;
      if (r.error === null) report.delivered++;
      else report.failed++;
      const disabled = await recordAttempt(db, cfg, d, started, r);
      if (disabled) report.disabled.push(disabled);
    }),
  );
  return report;
}
