import { and, desc, eq } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { SealKeys } from "../crypto/seal";
import type { Db } from "../db/client";
import { studies, webhookDeliveries, webhookSubscriptions, type WebhookSubscription } from "../db/schema";
import { parseOrThrow } from "../errors/validate";
import { newId, notFound } from "../ids";
import { checkDestinationUrl, type DestinationPolicy } from "./destination";
import { newSubscriptionSchema, subscriptionPatchSchema } from "./schemas";
import { newWebhookSecret } from "./signature";

// Webhook subscriptions (docs/integrations.md "Webhooks"), made and changed by staff. The
// secret is shown once, when made or rolled; the row keeps it sealed.

/** How long the previous secret still signs after a roll. */
export const ROLL_OVERLAP_SECONDS = 86_400;

export type SubscriptionView = {
  id: string;
  url: string;
  description: string;
  events: string[];
  studyId: string | null;
  state: "enabled" | "disabled";
  disabledAt: string | null;
  disabledReason: string | null;
  failingSince: string | null;
  previousSecretExpiresAt: string | null;
  createdAt: string;
};

export function toSubscriptionView(s: WebhookSubscription, now = new Date()): SubscriptionView {
  const overlap = s.previousSecretExpiresAt && s.previousSecretExpiresAt > now ? s.previousSecretExpiresAt : null;
  return {
    id: s.id,
    url: s.url,
    description: s.description,
    events: s.events,
    studyId: s.studyId,
    state: s.disabledAt ? "disabled" : "enabled",
    disabledAt: s.disabledAt?.toISOString() ?? null,
    disabledReason: s.disabledReason,
    failingSince: s.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt: overlap?.toISOString() ?? null,
    createdAt: s.createdAt.toISOString(),
  };
}

/** Makes a subscription. `destination_not_allowed` for a URL webhooks may not go to; `study_not_found`. */
export async function createSubscription(
  db: Db,
  keys: SealKeys,
  policy: DestinationPolicy,
  actor: Actor & { id: string },
  input: unknown,
): Promise<{ secret: string; view: SubscriptionView }> {
  const p = parseOrThrow(newSubscriptionSchema, input);
  const url = checkDestinationUrl(p.url, policy).toString();
  const id = newId("whk");
  const secret = newWebhookSecret(keys, id);
  const row = await db.transaction(async (tx) => {
    if (p.studyId) {
      const [s] = await tx.select({ id: studies.id }).from(studies).where(eq(studies.id, p.studyId));
      if (!s) throw notFound("stu");
    }
    const [created] = await tx
      .insert(webhookSubscriptions)
      .values({
        id,
        url,
        description: p.description,
        events: p.events,
        studyId: p.studyId,
        ownerId: actor.id,
        secretSealed: secret.sealed,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: "webhook.created",
      outcome: "success",
      detail: { subscriptionId: id, host: new URL(url).host, events: p.events, studyId: p.studyId },
    });
    return created;
  });
  return { secret: secret.shown, view: toSubscriptionView(row) };
}

export async function listSubscriptions(db: Db): Promise<SubscriptionView[]> {
  const rows = await db.select().from(webhookSubscriptions).orderBy(desc(webhookSubscriptions.createdAt)).limit(500);
  return rows.map((r) => toSubscriptionView(r));
}

export async function getSubscription(db: Db, id: string): Promise<SubscriptionView> {
  const [s] = await db.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id));
  if (!s) throw notFound("whk");
  return toSubscriptionView(s);
}

/**
 * Changes the URL, description or events, or enables or disables a subscription. Enabling one
 * that failed clears its failure clock: its pending deliveries are tried again at once.
 */
export async function updateSubscription(
  db: Db,
  policy: DestinationPolicy,
  actor: Actor,
  id: string,
  input: unknown,
): Promise<SubscriptionView> {
  const p = parseOrThrow(subscriptionPatchSchema, input);
  const url = p.url === undefined ? undefined : checkDestinationUrl(p.url, policy).toString();
  return db.transaction(async (tx) => {
    const [s] = await tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).for("update");
    if (!s) throw notFound("whk");
    const now = new Date();
    const enabling = p.enabled === true && s.disabledAt !== null;
    const disabling = p.enabled === false && s.disabledAt === null;
    const [updated] = await tx
      .update(webhookSubscriptions)
      .set({
        ...(url !== undefined ? { url } : {}),
        ...(p.description !== undefined ? { description: p.description } : {}),
        ...(p.events !== undefined ? { events: p.events } : {}),
        ...(enabling ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
        ...(disabling ? { disabledAt: now, disabledReason: "staff" } : {}),
        updatedAt: now,
      })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    // Enabled again: what waited is due now, not after its last backoff.
    if (enabling)
      await tx
        .update(webhookDeliveries)
        .set({ nextAttemptAt: now })
        .where(and(eq(webhookDeliveries.subscriptionId, id), eq(webhookDeliveries.state, "pending")));
    await recordAudit(tx, actor, {
      action: "webhook.updated",
      outcome: "success",
      detail: {
        subscriptionId: id,
        ...(url !== undefined ? { host: new URL(url).host } : {}),
        ...(p.events ? { events: p.events } : {}),
        ...(enabling ? { enabled: true } : disabling ? { enabled: false } : {}),
      },
    });
    return toSubscriptionView(updated);
  });
}

/** Deletes a subscription with its deliveries and their log. */
export async function deleteSubscription(db: Db, actor: Actor, id: string): Promise<void> {
  await db.transaction(async (tx) => {
    const gone = await tx
      .delete(webhookSubscriptions)
      .where(eq(webhookSubscriptions.id, id))
      .returning({ id: webhookSubscriptions.id });
    if (gone.length === 0) throw notFound("whk");
    await recordAudit(tx, actor, { action: "webhook.deleted", outcome: "success", detail: { subscriptionId: id } });
  });
}

/**
 * A new secret, shown once. The one it replaces keeps signing (a second signature in the same
 * header) for ROLL_OVERLAP_SECONDS, so receivers can switch over without losing a delivery; a
 * second roll within that day drops the oldest.
 */
export async function rollSecret(
  db: Db,
  keys: SealKeys,
  actor: Actor,
  id: string,
  now = new Date(),
): Promise<{ secret: string; view: SubscriptionView }> {
  const secret = newWebhookSecret(keys, id);
  const row = await db.transaction(async (tx) => {
    const [s] = await tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).for("update");
    if (!s) throw notFound("whk");
    const [updated] = await tx
      .update(webhookSubscriptions)
      .set({
        secretSealed: secret.sealed,
        previousSecretSealed: s.secretSealed,
        previousSecretExpiresAt: new Date(now.getTime() + ROLL_OVERLAP_SECONDS * 1000),
        updatedAt: now,
      })
      .where(eq(webhookSubscriptions.id, id))
      .returning();
    await recordAudit(tx, actor, {
      action: "webhook.secret_rolled",
      outcome: "success",
      detail: { subscriptionId: id },
    });
    return updated;
  });
  return { secret: secret.shown, view: toSubscriptionView(row, now) };
}
