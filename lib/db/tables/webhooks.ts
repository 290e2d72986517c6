import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { ts } from "./columns";
import { studies } from "./studies";

// Webhooks (docs/integrations.md "Webhooks", docs/decisions/0026): staff's subscriptions, the
// events a change enqueues in its own transaction, one delivery per event and subscription (the
// durable queue), and every attempt at it.

export const webhookSubscriptions = pgTable(
  "webhook_subscriptions",
  {
    id: text("id").primaryKey(), // whk_...
    url: text("url").notNull(),
    description: text("description").notNull().default(""),
    events: jsonb("events").$type<string[]>().notNull(),
    // Only this study's events, in their pseudonymous form (null: every event).
    studyId: text("study_id").references(() => studies.id),
    // Whom a disabled subscription is reported to: the staff member who made it.
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    // The signing secret's 32 bytes, sealed (associated data "webhook-secret:<id>").
    secretSealed: text("secret_sealed").notNull(),
    // After a roll, the previous secret also signs until previous_secret_expires_at.
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretExpiresAt: ts("previous_secret_expires_at"),
    // The first failed attempt since the last success; a day of failures disables it.
    failingSince: ts("failing_since"),
    disabledAt: ts("disabled_at"),
    disabledReason: text("disabled_reason"), // "staff" | "failing"
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [index("webhook_subscriptions_created_idx").on(t.createdAt)],
);

export const webhookEvents = pgTable(
  "webhook_events",
  {
    id: text("id").primaryKey(), // msg_..., the webhook-id header of every delivery of it
    type: text("type").notNull(),
    // The staff view (no name, email or account id) and, for an event of a study, its
    // pseudonymous view that a subscription limited to the study receives.
    data: jsonb("data").$type<Record<string, unknown>>().notNull(),
    studyId: text("study_id"),
    studyData: jsonb("study_data").$type<Record<string, unknown>>(),
    createdAt: ts("created_at").notNull().defaultNow(),
  },
  (t) => [index("webhook_events_created_idx").on(t.createdAt)],
);

export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(), // dlv_...
    subscriptionId: text("subscription_id")
      .notNull()
      .references(() => webhookSubscriptions.id, { onDelete: "cascade" }),
    eventId: text("event_id")
      .notNull()
      .references(() => webhookEvents.id, { onDelete: "cascade" }),
    state: text("state").notNull().default("pending"), // pending | delivered
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: ts("next_attempt_at").notNull().defaultNow(),
    // A worker's lease: another process takes the delivery only once it has passed (a crash mid-attempt).
    lockedUntil: ts("locked_until"),
    replayOf: text("replay_of"),
    createdAt: ts("created_at").notNull().defaultNow(),
    deliveredAt: ts("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_due_idx")
      .on(t.nextAttemptAt)
      .where(sql`${t.state} = 'pending'`),
    index("webhook_deliveries_subscription_idx").on(t.subscriptionId, t.createdAt),
    check("webhook_deliveries_state", sql`${t.state} in ('pending', 'delivered')`),
  ],
);

export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    deliveryId: text("delivery_id")
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: "cascade" }),
    startedAt: ts("started_at").notNull(),
    durationMs: integer("duration_ms").notNull(),
    status: integer("status"), // the HTTP status, null when none came
    error: text("error"), // why it failed (timeout, refused destination, connection), null on success
    responseSnippet: text("response_snippet"), // the first bytes of the answer, capped
  },
  (t) => [index("webhook_attempts_delivery_idx").on(t.deliveryId, t.id)],
);

export type WebhookSubscription = typeof webhookSubscriptions.$inferSelect;
export type WebhookEvent = typeof webhookEvents.$inferSelect;
export type WebhookDelivery = typeof webhookDeliveries.$inferSelect;
export type WebhookAttempt = typeof webhookAttempts.$inferSelect;
