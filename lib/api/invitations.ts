import { z } from "zod";
import { acceptInvitationRequest, lookupInvitationRequest } from "../accounts/link-api";
import { acceptInvitationSchema, invitationTokenSchema } from "../accounts/schemas";
import { json, readJson } from "../http/request";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// An invitee opens their link (the token travels in the fragment, then in a body: never in a URL)
// and chooses a password.

const LINK_ERRORS = [
  "invalid_request",
  "unsupported_media_type",
  "payload_too_large",
  "not_found",
  "rate_limited",
] as const;

export const invitations: Area = {
  tag: "invitations",
  description:
    "Invitation links: what a link's page shows, and the account it creates. Wrong tokens are limited per address.",
  routes: [
    {
      method: "POST",
      path: "/invitations/lookup",
      guard: "public",
      summary: "The email and name an invitation link is for",
      description: "POST, not GET: the token travels in the body, never in a URL.",
      body: { schema: z.strictObject({ token: invitationTokenSchema }) },
      answers: {
        200: {
          description:
            "`email`, `name` and `expiresAt` of the pending invitation, and `study` (its name, description, " +
            "data policy and current consent text) when it names an open study.",
          schema: jsonObject,
        },
      },
      errors: LINK_ERRORS,
      refusals: "invitation.lookup_refused",
      handle: async ({ req, ip }) => json(await lookupInvitationRequest(await readJson(req), ip)),
    },
    {
      method: "POST",
      path: "/invitations/accept",
      guard: "public",
      summary: "Accept an invitation: the account is created with the chosen password",
      description: "Each link works exactly once.",
      body: { schema: acceptInvitationSchema },
      answers: { 201: { description: "The new account's id, email and name.", schema: jsonObject } },
      errors: [...LINK_ERRORS, "email_taken"],
      refusals: "invitation.accept_refused",
      handle: async ({ req, ip }) => json(await acceptInvitationRequest(await readJson(req), ip), 201),
    },
  ],
};
