import { z } from "zod";
import { hasNoControlChars } from "../errors/validate";
import { idSchema } from "../ids";

// Every input of the webhook use cases, strict and bounded (docs/integrations.md "Webhooks").

export const WEBHOOK_EVENT_TYPES = [
  "device.claimed",
  "device.silent",
  "device.revoked",
  "device.lost",
  "participant.withdrawn",
  "firmware.update_failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

const eventsSchema = z
  .array(z.enum(WEBHOOK_EVENT_TYPES))
  .min(1, "must name at least one event")
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((a) => new Set(a).size === a.length, "must not repeat an event");

const urlSchema = z
  .string()
  .trim()
  .min(1, "is required")
  .max(2000, "must be at most 2000 characters")
  .refine(hasNoControlChars, "must not contain control characters");

const descriptionSchema = z
  .string()
  .trim()
  .max(200, "must be at most 200 characters")
  .refine(hasNoControlChars, "must not contain control characters");

export const newSubscriptionSchema = z.strictObject({
  url: urlSchema,
  description: descriptionSchema.default(""),
  events: eventsSchema,
  studyId: idSchema("stu").nullable().default(null),
});
export type NewSubscriptionInput = z.infer<typeof newSubscriptionSchema>;

export const subscriptionPatchSchema = z
  .strictObject({
    url: urlSchema.optional(),
    description: descriptionSchema.optional(),
    events: eventsSchema.optional(),
    enabled: z.boolean().optional(),
  })
  .refine((p) => Object.keys(p).length > 0, "must change something");
export type SubscriptionPatch = z.infer<typeof subscriptionPatchSchema>;

export const subscriptionParams = z.object({ subscriptionId: idSchema("whk") });
export const deliveryParams = z.object({ subscriptionId: idSchema("whk"), deliveryId: idSchema("dlv") });

const deviceFacts = {
  deviceId: idSchema("dev"),
  /** Read from the device when not given. */
  model: z.string().max(64).optional(),
  studyId: idSchema("stu").nullable().optional(),
};

/**
 * What a change tells `enqueueWebhookEvent`, per event type: strict, so nothing unlisted (a
 * name, an email) can reach a payload. The payloads built from these are in events.ts.
 */
export const eventFactsSchemas = {
  "device.claimed": z.strictObject({ ...deviceFacts, kind: z.enum(["new", "reprovisioned", "replacement"]) }),
  "device.silent": z.strictObject({ ...deviceFacts, lastSeenAt: z.date() }),
  "device.revoked": z.strictObject({ ...deviceFacts, revokedCredentials: z.number().int().min(0) }),
  "device.lost": z.strictObject(deviceFacts),
  "participant.withdrawn": z.strictObject({
    studyId: idSchema("stu"),
    userId: idSchema("usr"),
    deviceIds: z.array(idSchema("dev")).max(1000),
    dataPolicy: z.enum(["erase", "retain"]),
  }),
  "firmware.update_failed": z.strictObject({
    ...deviceFacts,
    fromVersion: z.string().max(64).nullable(),
    toVersion: z.string().max(64),
    reason: z.string().max(200).refine(hasNoControlChars, "must not contain control characters"),
  }),
} satisfies Record<WebhookEventType, z.ZodType>;

export type WebhookFacts<T extends WebhookEventType> = z.input<(typeof eventFactsSchemas)[T]>;
