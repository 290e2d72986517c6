import { z } from "zod";
import { json, readJson, SMALL_BODY_BYTES } from "../http/request";
import { idSchema } from "../ids";
import { deleteMyAccountSchema } from "../accounts/schemas";
import {
  answerMyIntake,
  consentToMyStudy,
  deleteMyAccount,
  listMyStudies,
  myConsentScreen,
  myErasureStatus,
  myIntakeAnswers,
  previewMyWithdrawal,
  withdrawMe,
} from "../studies/participant-api";
import { consentSchema, intakeAnswersSchema } from "../studies/schemas";
import { jsonObject } from "./answers";
import type { Area } from "./define";

// A participant's own studies (docs/studies.md): consent, intake answers, withdrawal, the
// erasure that follows it, and deleting the account. A study one is not in answers
// `study_not_found`, exactly like one that does not exist.

const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;
const study = z.object({ studyId: idSchema("stu") });

export const meStudies: Area = {
  tag: "my-studies",
  description:
    "A participant's studies: the consent screen and consent, intake answers, withdrawal with its preview, erasure progress, and deleting the account.",
  routes: [
    {
      method: "GET",
      path: "/me/studies",
      guard: "user",
      summary: "The studies I am or was in",
      description:
        "Each with its consent state (`not_consented`, `consented`, `reconsent_pending`, `withdrawn`), onboarding " +
        "checklist, intake questions with my answers, and the erasure of my data after a withdrawal under " +
        "`erase`.",
      answers: { 200: { description: "`studies`: one entry per study.", schema: jsonObject } },
      handle: async ({ user }) => json({ studies: await listMyStudies(user) }),
    },
    {
      method: "GET",
      path: "/me/studies/{studyId}/consent",
      guard: "owner",
      summary: "The consent screen of a study",
      description:
        "The study, the current consent text and, when asked to consent again, every version since the one " +
        "I consented to with what changed. Marks the current version shown: from then on it never changes.",
      params: study,
      answers: { 200: { description: "`study`, `state`, `current` and `since`.", schema: jsonObject } },
      errors: ["study_not_found", "study_closed"],
      handle: async ({ user, params }) => json(await myConsentScreen(user, params.studyId)),
    },
    {
      method: "POST",
      path: "/me/studies/{studyId}/consent",
      guard: "owner",
      summary: "Consent to the current version of a study's consent text",
      params: study,
      body: { schema: consentSchema, example: { versionId: "cnv_7Q2MABCDEFGHIJKL" } },
      answers: {
        200: {
          description: "Consented.",
          schema: z.object({ state: z.literal("consented"), version: z.number().int() }),
        },
      },
      errors: [
        ...BODY_ERRORS,
        "study_not_found",
        "study_closed",
        "consent_version_not_found",
        "consent_version_not_current",
      ],
      handle: async ({ req, actor, user, params }) =>
        json(await consentToMyStudy(actor, user, params.studyId, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "GET",
      path: "/me/studies/{studyId}/intake",
      guard: "owner",
      summary: "A study's intake questions with my answers",
      params: study,
      answers: { 200: { description: "`questions`, each with `answer` (or null).", schema: jsonObject } },
      errors: ["study_not_found"],
      handle: async ({ user, params }) => json(await myIntakeAnswers(user, params.studyId)),
    },
    {
      method: "PUT",
      path: "/me/studies/{studyId}/intake",
      guard: "owner",
      summary: "Answer, change or clear (null) intake answers",
      description:
        "Every answer is checked against its question first (bounds, choices, length); one problem refuses " +
        "the whole request, naming each, and nothing is written. Open until the study ends.",
      params: study,
      body: { schema: intakeAnswersSchema, example: { answers: { itq_7Q2MABCDEFGHIJKL: 21.5 } } },
      answers: {
        200: {
          description: "How many answers were written and cleared.",
          schema: z.object({ answered: z.number().int(), cleared: z.number().int() }),
        },
      },
      errors: [...BODY_ERRORS, "study_not_found", "study_closed"],
      handle: async ({ req, actor, user, params }) =>
        json(await answerMyIntake(actor, user, params.studyId, await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "GET",
      path: "/me/studies/{studyId}/withdrawal",
      guard: "owner",
      summary: "What withdrawing from a study would do",
      description: "The study's data policy, my devices in it, how many readings, and whether I answered the intake.",
      params: study,
      answers: { 200: { description: "The preview.", schema: jsonObject } },
      errors: ["study_not_found"],
      handle: async ({ user, params }) => json(await previewMyWithdrawal(user, params.studyId)),
    },
    {
      method: "POST",
      path: "/me/studies/{studyId}/withdrawal",
      guard: "owner",
      summary: "Withdraw from a study",
      description:
        "In one transaction: my devices in the study are revoked (their next request gets `credential_revoked`), " +
        "their shares end, they are released, and the withdrawal is recorded. Under `erase` the answer names " +
        "the erasure that then deletes my data in the study (follow it with GET /me/erasures/{erasureId}).",
      params: study,
      answers: { 200: { description: "The withdrawal.", schema: jsonObject } },
      errors: ["study_not_found"],
      refusals: "study.withdrawal_refused",
      handle: async ({ actor, user, params }) => json(await withdrawMe(actor, user, params.studyId)),
    },
    {
      method: "GET",
      path: "/me/erasures/{erasureId}",
      guard: "owner",
      summary: "How far the erasure of my data has come",
      params: z.object({ erasureId: idSchema("ers") }),
      answers: {
        200: { description: "`readingsDeleted` so far; `completedAt` once everything is gone.", schema: jsonObject },
      },
      errors: ["not_found"],
      handle: async ({ user, params }) => json(await myErasureStatus(user, params.erasureId)),
    },
    {
      method: "POST",
      path: "/me/deletion",
      guard: "user",
      summary: "Delete my account",
      description:
        "The current password confirms it. Leaves every study under its data policy, releases and erases " +
        "my devices, ends every session, and replaces my email and name everywhere. The last staff account " +
        "that can sign in is refused (`conflict`).",
      body: { schema: deleteMyAccountSchema },
      answers: { 200: { description: "What was done; the erasures run after the answer.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "rate_limited", "conflict"],
      refusals: "account.delete_refused",
      handle: async ({ req, actor, user }) =>
        json(await deleteMyAccount(actor, user, await readJson(req, SMALL_BODY_BYTES))),
    },
  ],
};
