import { and, desc, eq, inArray } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { webhookAttempts, webhookDeliveries, webhookEvents, webhookSubscriptions } from "../db/schema";
import { AppError } from "../errors/app-error";
import { newId, notFound } from "../ids";

// The delivery log staff read, and replaying a delivery (docs/integrations.md "Webhooks").

export type AttemptView = {
  startedAt: string;
  durationMs: number;
  status: number | null;
  error: string | null;
  responseSnippet: string | null;
};

export type DeliveryView = {
  id: string;
  eventId: string;
  eventType: string;
  state: "pending" | "delivered";
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  deliveredAt: string | null;
  replayOf: string | null;
  log: AttemptView[];
};

/** The newest deliveries of a subscription (at most 100), each with its attempts, newest first. */
export async function listDeliveries(db: Db, subscriptionId: string, limit = 100): Promise<DeliveryView[]> {
  const [s] = await db
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(eq(webhookSubscriptions.id, subscriptionId));
  if (!s) throw notFound("whk");
  const rows = await db
    .select({ d: webhookDeliveries, type: webhookEvents.type })
    .from(webhookDeliveries)
    .innerJoin(webhookEvents, eq(webhookEvents.id, webhookDeliveries.eventId))
    .where(eq(webhookDeliveries.subscriptionId, subscriptionId))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(Math.min(limit, 100));
  const ids = rows.map((r) => r.d.id);
  const attempts = ids.length
    ? await db
        .select()
        .from(webhookAttempts)
        .where(inArray(webhookAttempts.deliveryId, ids))
        .orderBy(desc(webhookAttempts.id))
    : [];
  return rows.map(({ d, type }) => ({
    id: d.id,
    eventId: d.eventId,
    eventType: type,
    state: d.state as DeliveryView["state"],
    attempts: d.attempts,
    nextAttemptAt: d.state === "pending" ? d.nextAttemptAt.toISOString() : null,
    createdAt: d.createdAt.toISOString(),
    deliveredAt: d.deliveredAt?.toISOString() ?? null,
    replayOf: d.replayOf,
    log: attempts
      .filter((a) => a.deliveryId === d.id)
      .slice(0, 20)
      .map((a) => ({
        startedAt: a.startedAt.toISOString(),
        durationMs: a.durationMs,
        status: a.status,
        error: a.error,
        responseSnippet: a.responseSnippet,
      })),
  }));
}

/**
 * Sends a delivery's event again, as a new delivery due now with the same `webhook-id` (so a
 * receiver that keeps ids can tell it is the same event). `subscription_disabled` while the
 * subscription is disabled (enable it first); `not_found` for a delivery of another subscription.
 */
export async function replayDelivery(
  db: Db,
  actor: Actor,
  subscriptionId: string,
  deliveryId: string,
): Promise<{ id: string }> {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select({ d: webhookDeliveries, disabledAt: webhookSubscriptions.disabledAt })
      .from(webhookDeliveries)
      .innerJoin(webhookSubscriptions, eq(webhookSubscriptions.id, webhookDeliveries.subscriptionId))
      .where(and(eq(webhookDeliveries.id, deliveryId), eq(webhookDeliveries.subscriptionId, subscriptionId)));
    if (!row) throw notFound("dlv");
    if (row.disabledAt)
      throw new AppError("subscription_disabled", "The subscription is disabled: enable it before replaying.");
    const id = newId("dlv");
    await tx.insert(webhookDeliveries).values({
      id,
      subscriptionId,
      eventId: row.d.eventId,
      replayOf: row.d.id,
      nextAttemptAt: new Date(),
    });
    await recordAudit(tx, actor, {
      action: "webhook.replayed",
      outcome: "success",
      detail: { subscriptionId, deliveryId, replay: id },
    });
    return { id };
  });
}
