import { z } from "zod";
import { json, readJson, SMALL_BODY_BYTES } from "../../http/request";
import {
  createSubscriptionRequest,
  deleteSubscriptionRequest,
  deliveriesForStaff,
  replayDeliveryRequest,
  rollSecretRequest,
  subscriptionForStaff,
  subscriptionsForStaff,
  updateSubscriptionRequest,
} from "../../webhooks/api";
import {
  deliveryParams,
  newSubscriptionSchema,
  subscriptionParams,
  subscriptionPatchSchema,
} from "../../webhooks/schemas";
import { jsonObject } from "../answers";
import type { Area } from "../define";

// Staff's webhook subscriptions and their delivery log (docs/integrations.md "Webhooks").

const noContent = { description: "Done; no body." };
const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;
const subscriptionView = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  events: z.array(z.string()),
  studyId: z.string().nullable(),
  state: z.enum(["enabled", "disabled"]),
  disabledAt: z.string().nullable(),
  disabledReason: z.string().nullable(),
  failingSince: z.string().nullable(),
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
});
const withSecret = z.object({
  secret: z.string().describe("`whsec_` and the base64 of 32 random bytes: shown only now"),
  view: subscriptionView,
});

export const staffWebhooks: Area = {
  tag: "staff/webhooks",
  description:
    "Signed webhooks (Standard Webhooks): subscriptions to device and study events, their secrets, the delivery log and replays.",
  routes: [
    {
      method: "GET",
      path: "/staff/webhooks",
      guard: "staff",
      summary: "The webhook subscriptions",
      answers: { 200: { description: "`subscriptions`, newest first.", schema: jsonObject } },
      handle: async () => json({ subscriptions: await subscriptionsForStaff() }),
    },
    {
      method: "POST",
      path: "/staff/webhooks",
      guard: "staff",
      summary: "Subscribe an endpoint to events",
      description:
        "An https URL on a public address (a literal private, loopback or link-local address is refused; " +
        "names are checked on their resolved address at each delivery). `studyId` limits it to that study's " +
        "events, in their pseudonymous form. The answer is the only time the secret is shown.",
      body: {
        schema: newSubscriptionSchema,
        example: { url: "https://hooks.example.org/claimlink", events: ["device.silent"], description: "Chat alerts" },
      },
      answers: { 201: { description: "The secret (shown once) and the subscription.", schema: withSecret } },
      errors: [...BODY_ERRORS, "destination_not_allowed", "study_not_found"],
      refusals: "webhook.create_refused",
      handle: async ({ req, user, actor }) =>
        json(await createSubscriptionRequest(actor, user, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "GET",
      path: "/staff/webhooks/{subscriptionId}",
      guard: "staff",
      summary: "One webhook subscription",
      params: subscriptionParams,
      answers: { 200: { description: "The subscription (never its secret).", schema: subscriptionView } },
      errors: ["not_found"],
      handle: async ({ params }) => json(await subscriptionForStaff(params.subscriptionId)),
    },
    {
      method: "PATCH",
      path: "/staff/webhooks/{subscriptionId}",
      guard: "staff",
      summary: "Change a subscription's URL, description or events, or enable or disable it",
      params: subscriptionParams,
      body: { schema: subscriptionPatchSchema, example: { enabled: true } },
      answers: { 200: { description: "The subscription.", schema: subscriptionView } },
      errors: [...BODY_ERRORS, "not_found", "destination_not_allowed"],
      refusals: "webhook.update_refused",
      handle: async ({ req, actor, params }) =>
        json(await updateSubscriptionRequest(actor, params.subscriptionId, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "DELETE",
      path: "/staff/webhooks/{subscriptionId}",
      guard: "staff",
      summary: "Delete a subscription, its queue and its log",
      params: subscriptionParams,
      answers: { 204: noContent },
      errors: ["not_found"],
      refusals: "webhook.delete_refused",
      handle: async ({ actor, params }) => {
        await deleteSubscriptionRequest(actor, params.subscriptionId);
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "POST",
      path: "/staff/webhooks/{subscriptionId}/secret",
      guard: "staff",
      summary: "Roll the signing secret",
      description:
        "A new secret, shown once. For a day the old one signs too (a second `v1,` signature in `webhook-signature`), so the receiver can switch over.",
      params: subscriptionParams,
      answers: { 201: { description: "The new secret (shown once) and the subscription.", schema: withSecret } },
      errors: ["not_found"],
      refusals: "webhook.roll_refused",
      handle: async ({ actor, params }) => json(await rollSecretRequest(actor, params.subscriptionId), 201),
    },
    {
      method: "GET",
      path: "/staff/webhooks/{subscriptionId}/deliveries",
      guard: "staff",
      summary: "The delivery log: the newest deliveries and their attempts",
      params: subscriptionParams,
      answers: {
        200: { description: "`deliveries`, newest first, each with its `log` of attempts.", schema: jsonObject },
      },
      errors: ["not_found"],
      handle: async ({ params }) => json({ deliveries: await deliveriesForStaff(params.subscriptionId) }),
    },
    {
      method: "POST",
      path: "/staff/webhooks/{subscriptionId}/deliveries/{deliveryId}/replay",
      guard: "staff",
      summary: "Send a delivery's event again",
      description: "A new delivery, due now, with the same `webhook-id`.",
      params: deliveryParams,
      answers: { 201: { description: "The new delivery's `id`.", schema: z.object({ id: z.string() }) } },
      errors: ["not_found", "subscription_disabled"],
      refusals: "webhook.replay_refused",
      handle: async ({ actor, params }) =>
        json(await replayDeliveryRequest(actor, params.subscriptionId, params.deliveryId), 201),
    },
  ],
};
