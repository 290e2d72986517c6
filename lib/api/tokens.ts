import { z } from "zod";
import { allTokens, createMyToken, myTokens, revokeAnyToken, revokeMyToken } from "../integrations/api";
import { newTokenSchema } from "../integrations/schemas";
import { json, readJson, SMALL_BODY_BYTES } from "../http/request";
import { idSchema } from "../ids";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// API tokens (docs/integrations.md): a person makes and revokes their own; staff list and
// revoke anyone's. Made only by a signed-in person: a token never makes another token.

const token = z.object({ tokenId: idSchema("tok") });
const tokenView = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  state: z.enum(["active", "expired", "revoked"]),
});

export const tokens: Area = {
  tag: "tokens",
  description:
    "API tokens for programs that read on a person's behalf: a research pipeline, a dashboard. Shown once, stored as a hash, revocable at once.",
  routes: [
    {
      method: "GET",
      path: "/me/tokens",
      guard: "user",
      summary: "The account's API tokens (never the tokens themselves)",
      answers: { 200: { description: "Each token: name, prefix, scopes, expiry, last use.", schema: jsonObject } },
      handle: async ({ user }) => json({ tokens: await myTokens(user) }),
    },
    {
      method: "POST",
      path: "/me/tokens",
      guard: "user",
      summary: "Make an API token",
      description:
        "Scopes: `devices:read` (your own devices), `fleet:read` and `audit:read` (staff and support), `study:<study " +
        "id>:read` (who may read that study). At most 365 days. The answer is the only time the token is " +
        "shown.",
      body: {
        schema: newTokenSchema,
        example: { name: "Nightly export", scopes: ["devices:read"], expiresInDays: 90 },
      },
      answers: {
        201: {
          description: "The token (shown once) and its record.",
          schema: z.object({ token: z.string(), view: tokenView }),
        },
      },
      errors: ["invalid_request", "unsupported_media_type", "payload_too_large", "forbidden", "study_not_found"],
      refusals: "token.create_refused",
      handle: async ({ req, user, actor }) =>
        json(await createMyToken(actor, user, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "DELETE",
      path: "/me/tokens/{tokenId}",
      guard: "owner",
      summary: "Revoke one of the account's API tokens at once",
      params: token,
      answers: { 200: { description: "The revoked token.", schema: tokenView } },
      errors: ["not_found"],
      handle: async ({ user, actor, params }) => json(await revokeMyToken(actor, user, params.tokenId)),
    },
    {
      method: "GET",
      path: "/staff/tokens",
      guard: "staff",
      summary: "Every account's API tokens, with whose they are",
      answers: { 200: { description: "The newest 1000 tokens.", schema: jsonObject } },
      handle: async () => json({ tokens: await allTokens() }),
    },
    {
      method: "DELETE",
      path: "/staff/tokens/{tokenId}",
      guard: "staff",
      summary: "Revoke anyone's API token at once",
      params: token,
      answers: { 200: { description: "The revoked token.", schema: tokenView } },
      errors: ["not_found"],
      handle: async ({ actor, params }) => json(await revokeAnyToken(actor, params.tokenId)),
    },
  ],
};
