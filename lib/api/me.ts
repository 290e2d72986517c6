import { z } from "zod";
import {
  changeMyPassword,
  changeMyProfile,
  confirmMyTwoFactor,
  disableMyTwoFactor,
  endMySession,
  listMySessions,
  myTwoFactorStatus,
  newMyRecoveryCodes,
  signOutEverywhere,
  startMyTwoFactor,
} from "../accounts/owner-api";
import { changePasswordSchema, codeSchema, profileChangeSchema } from "../accounts/schemas";
import { setMyNotices } from "../devices/owner-api";
import { noticePreferencesSchema } from "../devices/schemas";
import { json, readJson, SMALL_BODY_BYTES } from "../http/request";
import { localeChoiceSchema, setMyLocale } from "../i18n/set-locale";
import { idSchema } from "../ids";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// The signed-in account itself: its name, language, password, sessions, two-factor sign-in and notices.

const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;

export const me: Area = {
  tag: "me",
  description:
    "The signed-in account: display name, language, password, sign-in sessions, two-factor sign-in, mail notices.",
  routes: [
    {
      method: "PATCH",
      path: "/me",
      guard: "user",
      summary: "Change the display name",
      body: { schema: profileChangeSchema, example: { name: "A. de Vries" } },
      answers: { 200: { description: "The new name.", schema: z.object({ name: z.string() }) } },
      errors: BODY_ERRORS,
      handle: async ({ req, user, actor }) =>
        json(await changeMyProfile(actor, user, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "POST",
      path: "/me/password",
      guard: "user",
      summary: "Change the password",
      description: "The current password is required; the account's other sessions end.",
      body: { schema: changePasswordSchema },
      answers: { 200: { description: "Changed.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "rate_limited"],
      refusals: "password.change_refused",
      handle: async ({ req, user, actor }) =>
        json(await changeMyPassword(actor, user, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "PUT",
      path: "/me/notices",
      guard: "user",
      summary: "Choose which mail notices to receive",
      body: { schema: noticePreferencesSchema, example: { off: ["wrong_code"] } },
      answers: { 200: { description: "The notices now switched off.", schema: jsonObject } },
      errors: BODY_ERRORS,
      handle: async ({ req, actor, user }) =>
        json(await setMyNotices(actor, user, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "GET",
      path: "/me/sessions",
      guard: "user",
      summary: "Where the account is signed in",
      answers: {
        200: {
          description: "Each session: browser, address, last activity, and which is this one.",
          schema: jsonObject,
        },
      },
      handle: async ({ user }) => json(await listMySessions(user)),
    },
    {
      method: "DELETE",
      path: "/me/sessions",
      guard: "user",
      summary: "Sign out everywhere, this browser included",
      answers: {
        200: { description: "How many sessions ended.", schema: z.object({ sessionsEnded: z.number().int() }) },
      },
      handle: async ({ user, actor }) => json(await signOutEverywhere(actor, user)),
    },
    {
      method: "PUT",
      path: "/me/locale",
      guard: "user",
      summary: "Choose the language of pages and mail",
      description: "Kept with the account, so it holds in every browser the person signs in with (docs/i18n.md).",
      body: { schema: localeChoiceSchema, example: { locale: "nl" } },
      answers: { 200: { description: "The language now chosen.", schema: jsonObject } },
      errors: BODY_ERRORS,
      handle: async ({ req, user }) => json(await setMyLocale(user, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "DELETE",
      path: "/me/sessions/{sessionId}",
      guard: "owner",
      summary: "End one of the account's sessions",
      params: z.object({ sessionId: idSchema("ses") }),
      answers: { 204: { description: "Ended; no body." } },
      errors: ["not_found"],
      handle: async ({ user, actor, params }) => {
        await endMySession(actor, user, params.sessionId);
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "GET",
      path: "/me/two-factor",
      guard: "user",
      enrolment: true,
      summary: "Whether two-factor sign-in is on, required, and how many recovery codes remain",
      description: "Open to a staff account that must still enrol: it is how it gets out.",
      answers: { 200: { description: "The account's two-factor state.", schema: jsonObject } },
      handle: async ({ user }) => json(await myTwoFactorStatus(user)),
    },
    {
      method: "POST",
      path: "/me/two-factor",
      guard: "user",
      enrolment: true,
      summary: "Confirm enrolment with the first code",
      description: "Answers the recovery codes, shown once.",
      body: { schema: codeSchema, example: { code: "123456" } },
      answers: { 200: { description: "Two-factor is on; the recovery codes.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "conflict", "not_found", "rate_limited"],
      refusals: "two_factor.refused",
      handle: async ({ req, user, actor }) =>
        json(await confirmMyTwoFactor(actor, user, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "DELETE",
      path: "/me/two-factor",
      guard: "user",
      summary: "Switch two-factor sign-in off with a current code",
      body: { schema: codeSchema, example: { code: "123456" } },
      answers: { 200: { description: "Off.", schema: z.object({ on: z.literal(false) }) } },
      errors: [...BODY_ERRORS, "conflict", "rate_limited"],
      refusals: "two_factor.refused",
      handle: async ({ req, user, actor }) => {
        await disableMyTwoFactor(actor, user, await readJson(req, SMALL_BODY_BYTES));
        return json({ on: false });
      },
    },
    {
      method: "POST",
      path: "/me/two-factor/enrolment",
      guard: "user",
      enrolment: true,
      summary: "Start enrolment: a new secret, its otpauth:// URI and the URI's QR code",
      answers: { 201: { description: "`secret`, `uri` and `qr` (a PNG data URL).", schema: jsonObject } },
      errors: ["conflict"],
      handle: async ({ user }) => json(await startMyTwoFactor(user), 201),
    },
    {
      method: "POST",
      path: "/me/two-factor/recovery-codes",
      guard: "user",
      summary: "New recovery codes for a current code; the old ones stop working",
      body: { schema: codeSchema, example: { code: "123456" } },
      answers: { 200: { description: "The new codes, shown once.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "conflict", "rate_limited"],
      refusals: "two_factor.refused",
      handle: async ({ req, user, actor }) =>
        json(await newMyRecoveryCodes(actor, user, await readJson(req, SMALL_BODY_BYTES))),
    },
  ],
};
