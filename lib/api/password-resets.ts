import { z } from "zod";
import {
  acceptPasswordResetRequest,
  lookupPasswordResetRequest,
  requestPasswordResetByMail,
} from "../accounts/link-api";
import { acceptResetSchema, resetRequestSchema, resetTokenSchema } from "../accounts/schemas";
import { json, readJson, SMALL_BODY_BYTES } from "../http/request";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// "Forgot password?" and the reset links staff or the mail hand out (one hour, single use).

const LINK_ERRORS = [
  "invalid_request",
  "unsupported_media_type",
  "payload_too_large",
  "not_found",
  "rate_limited",
] as const;

export const passwordResets: Area = {
  tag: "password-resets",
  description: "Password-reset links: asking for one by mail, what a link's page shows, and choosing the new password.",
  routes: [
    {
      method: "POST",
      path: "/password-resets/request",
      guard: "public",
      summary: "Ask for a reset link by mail",
      description:
        "The same answer, in the same time, for every email: the limits, the account lookup and the mail run after answering.",
      body: { schema: resetRequestSchema, example: { email: "someone@example.org" } },
      answers: {
        202: { description: "The same message whatever the email.", schema: z.object({ message: z.string() }) },
      },
      errors: ["invalid_request", "unsupported_media_type", "payload_too_large"],
      refusals: "password_reset.request_refused",
      // The work behind the answer runs detached, after it (lib/accounts/link-api.ts).
      handle: async ({ req, ip }) =>
        json(await requestPasswordResetByMail(await readJson(req, SMALL_BODY_BYTES), ip), 202),
    },
    {
      method: "POST",
      path: "/password-resets/lookup",
      guard: "public",
      summary: "The account a reset link is for",
      description: "POST, not GET: the token travels in the body, never in a URL.",
      body: { schema: z.strictObject({ token: resetTokenSchema }) },
      answers: { 200: { description: "The account's email and the link's expiry.", schema: jsonObject } },
      errors: LINK_ERRORS,
      refusals: "password_reset.lookup_refused",
      handle: async ({ req, ip }) => json(await lookupPasswordResetRequest(await readJson(req), ip)),
    },
    {
      method: "POST",
      path: "/password-resets/accept",
      guard: "public",
      summary: "Choose the new password",
      description: "Each link works exactly once; the account's sessions end.",
      body: { schema: acceptResetSchema },
      answers: { 200: { description: "Changed.", schema: jsonObject } },
      errors: LINK_ERRORS,
      refusals: "password_reset.accept_refused",
      handle: async ({ req, ip }) => json(await acceptPasswordResetRequest(await readJson(req), ip)),
    },
  ],
};
