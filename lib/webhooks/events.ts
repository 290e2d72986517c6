import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { devices, studies, webhookDeliveries, webhookEvents, webhookSubscriptions } from "../db/schema";
import { env } from "../env";
import { newId } from "../ids";
import { openStudyKey, pseudonymizer, type Pseudonymizer } from "../studies/pseudonyms";
import { eventFactsSchemas, type WebhookEventType, type WebhookFacts } from "./schemas";

// The events webhooks report (docs/integrations.md "Events and payloads"). A payload never holds
// a name, an email or an account id. Device events name the device (`dev_…`), its model and
// study; an event of a study also has a pseudonymous view (the study's `d_…`/`p_…` pseudonyms
// and no `dev_` id) that is all a subscription limited to that study ever receives.

type Built = { data: Record<string, unknown>; studyId: string | null; studyData: Record<string, unknown> | null };

async function studyPseudonyms(tx: Db, studyId: string): Promise<Pseudonymizer> {
  const [s] = await tx.select({ key: studies.pseudonymKeySealed }).from(studies).where(eq(studies.id, studyId));
  return pseudonymizer(openStudyKey(env().secretKey, studyId, s.key));
}

async function buildDeviceEvent(
  tx: Db,
  facts: { deviceId: string; model?: string; studyId?: string | null },
  extra: Record<string, unknown>,
  at: Date,
): Promise<Built> {
  let { model, studyId } = facts;
  if (model === undefined || studyId === undefined) {
    const [d] = await tx
      .select({ model: devices.model, studyId: devices.studyId })
      .from(devices)
      .where(eq(devices.id, facts.deviceId));
    model ??= d?.model ?? "unknown";
    studyId = studyId === undefined ? (d?.studyId ?? null) : studyId;
  }
  const common = { model, ...extra, at: at.toISOString() };
  if (!studyId) return { data: { deviceId: facts.deviceId, studyId: null, ...common }, studyId: null, studyData: null };
  const device = (await studyPseudonyms(tx, studyId)).device(facts.deviceId);
  return {
    data: { deviceId: facts.deviceId, studyId, device, ...common },
    studyId,
    studyData: { studyId, device, ...common },
  };
}

async function buildEvent(tx: Db, type: WebhookEventType, raw: unknown, at: Date): Promise<Built> {
  switch (type) {
    case "device.claimed": {
      const f = eventFactsSchemas[type].parse(raw);
      return buildDeviceEvent(tx, f, { kind: f.kind }, at);
    }
    case "device.silent": {
      const f = eventFactsSchemas[type].parse(raw);
      return buildDeviceEvent(tx, f, { lastSeenAt: f.lastSeenAt.toISOString() }, at);
    }
    case "device.revoked": {
      const f = eventFactsSchemas[type].parse(raw);
      return buildDeviceEvent(tx, f, { revokedCredentials: f.revokedCredentials }, at);
    }
    case "device.lost":
      return buildDeviceEvent(tx, eventFactsSchemas[type].parse(raw), {}, at);
    case "firmware.update_failed": {
      const f = eventFactsSchemas[type].parse(raw);
      return buildDeviceEvent(tx, f, { fromVersion: f.fromVersion, toVersion: f.toVersion, reason: f.reason }, at);
    }
    case "participant.withdrawn": {
      // Pseudonyms only, in both views: the participant is `p_…` of the study, never an account.
      const f = eventFactsSchemas[type].parse(raw);
      const p = await studyPseudonyms(tx, f.studyId);
      const data = {
        studyId: f.studyId,
        participant: p.participant(f.userId),
        devices: f.deviceIds.map((d) => p.device(d)),
        dataPolicy: f.dataPolicy,
        at: at.toISOString(),
      };
      return { data, studyId: f.studyId, studyData: data };
    }
  }
}

/**
 * Queues an event for every enabled subscription to its type (and, for a subscription limited
 * to a study, of that study). Call it with the transaction of the change it reports: the event
 * is delivered if and only if the change commits. Throws (a ZodError) on facts of the wrong
 * shape, which rolls the change back: a bug, not a caller's input. Returns the event id, or
 * null when no subscription wants it (nothing is written).
 */
export async function enqueueWebhookEvent<T extends WebhookEventType>(
  tx: Db,
  type: T,
  facts: WebhookFacts<T>,
  at = new Date(),
): Promise<string | null> {
  const wanted = await tx
    .select({ id: webhookSubscriptions.id, studyId: webhookSubscriptions.studyId })
    .from(webhookSubscriptions)
    .where(
      and(
        isNull(webhookSubscriptions.disabledAt),
        sql`${webhookSubscriptions.events} @> ${JSON.stringify([type])}::jsonb`,
      ),
    );
  if (wanted.length === 0) return null;
  const built = await buildEvent(tx, type, facts, at);
  const targets = wanted.filter((s) => s.studyId === null || s.studyId === built.studyId);
  if (targets.length === 0) return null;
  const id = newId("msg");
  await tx.insert(webhookEvents).values({ id, type, createdAt: at, ...built });
  await tx
    .insert(webhookDeliveries)
    .values(
      targets.map((s) => ({ id: newId("dlv"), subscriptionId: s.id, eventId: id, nextAttemptAt: at, createdAt: at })),
    );
  return id;
}

/** The body a subscription receives for an event: the study's view when it is limited to a study. */
export function webhookBody(
  event: { type: string; createdAt: Date; data: Record<string, unknown>; studyData: Record<string, unknown> | null },
  subscription: { studyId: string | null },
): string {
  const data = subscription.studyId ? event.studyData : event.data;
  // A study subscription is only ever given its study's events (enqueue), which all have a study view.
  if (!data) throw new Error("an event without a study view for a study subscription");
  return JSON.stringify({ type: event.type, timestamp: event.createdAt.toISOString(), data });
}
