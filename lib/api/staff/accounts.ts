import { z } from "zod";
import {
  changeAccount,
  issuePasswordReset,
  resetAccountTwoFactor,
  searchAccounts,
  signOutAccountEverywhere,
} from "../../accounts/staff-api";
import { accountChangeSchema, accountSearchSchema } from "../../accounts/schemas";
import { deleteAccountOnRequest } from "../../studies/api";
import { staffReasonSchema } from "../../studies/schemas";
import { json, queryOf, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { idOrNotFound, idSchema } from "../../ids";
import { jsonObject } from "../answers";
import type { Area } from "../define";

const account = z.object({ userId: idSchema("usr") });

export const staffAccounts: Area = {
  tag: "staff/accounts",
  description:
    "Staff manage accounts: search, disable and enable, role, sign out everywhere, two-factor reset, reset links.",
  routes: [
    {
      method: "GET",
      path: "/staff/accounts",
      guard: "staff",
      summary: "Search accounts (`q` matches names and emails)",
      query: accountSearchSchema,
      answers: { 200: { description: "`accounts`.", schema: jsonObject } },
      errors: ["invalid_request"],
      handle: async ({ req }) => json(await searchAccounts(queryOf(req))),
    },
    {
      method: "PATCH",
      path: "/staff/accounts/{userId}",
      guard: "staff",
      summary: "Disable or enable an account, or change its role",
      params: account,
      body: { schema: accountChangeSchema, example: { disabled: true } },
      answers: { 200: { description: "The changed `account`.", schema: jsonObject } },
      errors: ["invalid_request", "unsupported_media_type", "payload_too_large", "not_found", "conflict"],
      handle: async ({ req, actor, params }) => json(await changeAccount(actor, params.userId, await readJson(req))),
    },
    {
      method: "DELETE",
      path: "/staff/accounts/{userId}/sessions",
      guard: "staff",
      summary: "Sign an account out everywhere",
      params: account,
      answers: {
        200: { description: "How many sessions ended.", schema: z.object({ sessionsEnded: z.number().int() }) },
      },
      errors: ["not_found"],
      handle: async ({ actor, params }) => json(await signOutAccountEverywhere(actor, params.userId)),
    },
    {
      method: "DELETE",
      path: "/staff/accounts/{userId}/two-factor",
      guard: "staff",
      summary: "Reset an account's two-factor sign-in; its sessions end",
      params: account,
      answers: { 200: { description: "Reset.", schema: jsonObject } },
      errors: ["not_found"],
      handle: async ({ actor, params }) => json(await resetAccountTwoFactor(actor, params.userId)),
    },
    {
      method: "POST",
      path: "/staff/accounts/{userId}/password-reset",
      guard: "staff",
      summary: "A password-reset link for the account: mailed when mail is configured, else answered once",
      params: account,
      answers: { 201: { description: "The link (or `mailed: true`).", schema: jsonObject } },
      errors: ["not_found", "rate_limited"],
      handle: async ({ actor, params }) => json(await issuePasswordReset(actor, params.userId), 201),
    },
    {
      method: "POST",
      path: "/staff/accounts/{userId}/deletion",
      guard: "staff",
      summary: "Delete an account on its holder's request, with a reason (the right to erasure)",
      description:
        "Withdraws them from every study under its policy, erases what they own, ends their sessions and " +
        "replaces their email and name (docs/studies.md). Not one's own account, nor the last staff account " +
        "that can sign in (`conflict`).",
      params: account,
      body: { schema: staffReasonSchema, example: { reason: "asked by mail on 3 March" } },
      answers: { 200: { description: "What was done.", schema: jsonObject } },
      errors: ["invalid_request", "unsupported_media_type", "payload_too_large", "not_found", "conflict"],
      refusals: "account.delete_refused",
      handle: async ({ req, actor, params }) =>
        json(
          await deleteAccountOnRequest(
            actor,
            idOrNotFound("usr", params.userId),
            await readJson(req, SMALL_BODY_BYTES),
          ),
        ),
    },
  ],
};
