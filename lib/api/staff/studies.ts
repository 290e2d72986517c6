import { z } from "zod";
import { json, readJson, SMALL_BODY_BYTES } from "../../http/request";
import { idOrNotFound, idSchema } from "../../ids";
import {
  changeStudyStatusRequest,
  consentVersionsRequest,
  createStudyRequest,
  editStudyRequest,
  grantResearcherRequest,
  listStudiesRequest,
  reviseConsentRequest,
  revokeResearcherRequest,
  setIntakeRequest,
  setOnboardingRequest,
  studyForStaff,
  withdrawParticipantRequest,
} from "../../studies/api";
import {
  consentRevisionSchema,
  createStudySchema,
  editStudySchema,
  intakeQuestionsSchema,
  onboardingStepsSchema,
  researcherGrantSchema,
  staffReasonSchema,
  studyStatusChangeSchema,
} from "../../studies/schemas";
import { jsonObject } from "../answers";
import type { Area } from "../define";

// Staff set studies up (docs/studies.md): the study, its consent text, intake questions,
// onboarding checklist and researchers, and act for a participant on request. The dashboard
// and export, which researchers read too, are under /research (lib/api/research.ts).

const study = z.object({ studyId: idSchema("stu") });
const participant = z.object({ studyId: idSchema("stu"), userId: idSchema("usr") });
const BODY_ERRORS = ["invalid_request", "unsupported_media_type", "payload_too_large"] as const;
/** A consent text may be long (20,000 characters per language). */
const CONSENT_BODY_BYTES = 64 * 1024;
const stu = (p: Record<string, string>) => idOrNotFound("stu", p.studyId);

export const staffStudies: Area = {
  tag: "staff/studies",
  description:
    "Studies: create and edit, status, consent versions, intake questions, onboarding steps, researchers, withdrawal on request.",
  routes: [
    {
      method: "GET",
      path: "/staff/studies",
      guard: "staff",
      summary: "Every study",
      answers: { 200: { description: "`studies`.", schema: jsonObject } },
      handle: async () => json(await listStudiesRequest()),
    },
    {
      method: "POST",
      path: "/staff/studies",
      guard: "staff",
      summary: "Create a study (in draft)",
      body: {
        schema: createStudySchema,
        example: {
          name: { en: "Home heating", nl: "Thuisverwarming" },
          description: { en: "How warm homes are kept in winter." },
          contactEmail: "study@example.org",
          startsOn: "2027-01-01",
          endsOn: "2027-12-31",
          dataPolicy: "erase",
        },
      },
      answers: { 201: { description: "The study.", schema: jsonObject } },
      errors: BODY_ERRORS,
      refusals: "study.refused",
      handle: async ({ req, actor }) =>
        json(await createStudyRequest(actor, await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "GET",
      path: "/staff/studies/{studyId}",
      guard: "staff",
      summary: "A study with its consent versions, intake questions, onboarding steps and researchers",
      params: study,
      answers: { 200: { description: "The study's staff page data.", schema: jsonObject } },
      errors: ["study_not_found"],
      handle: async ({ params }) => json(await studyForStaff(stu(params))),
    },
    {
      method: "PATCH",
      path: "/staff/studies/{studyId}",
      guard: "staff",
      summary: "Change a study's fields (the data policy only in draft)",
      params: study,
      body: { schema: editStudySchema, example: { endsOn: "2028-03-31" } },
      answers: { 200: { description: "The study.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "study_not_found", "study_closed", "conflict"],
      refusals: "study.refused",
      handle: async ({ req, actor, params }) =>
        json(await editStudyRequest(actor, stu(params), await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "POST",
      path: "/staff/studies/{studyId}/status",
      guard: "staff",
      summary: "Move a study along draft, recruiting, running, ended, archived",
      params: study,
      body: { schema: studyStatusChangeSchema, example: { status: "recruiting" } },
      answers: { 200: { description: "The study.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "study_not_found", "status_transition_not_allowed", "conflict"],
      refusals: "study.refused",
      handle: async ({ req, actor, params }) =>
        json(await changeStudyStatusRequest(actor, stu(params), await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "GET",
      path: "/staff/studies/{studyId}/consent-versions",
      guard: "staff",
      summary: "Every version of the consent text, oldest first",
      params: study,
      answers: { 200: { description: "`versions`.", schema: jsonObject } },
      errors: ["study_not_found"],
      handle: async ({ params }) => json(await consentVersionsRequest(stu(params))),
    },
    {
      method: "POST",
      path: "/staff/studies/{studyId}/consent-versions",
      guard: "staff",
      summary: "Save the consent text: edits an unshown version, else makes a new one",
      params: study,
      body: {
        schema: consentRevisionSchema,
        example: { text: { en: "I agree to take part…" }, requiresReconsent: false },
      },
      answers: { 200: { description: "`version` and whether it was `created`.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "study_not_found", "study_closed"],
      refusals: "study.refused",
      handle: async ({ req, actor, params }) =>
        json(await reviseConsentRequest(actor, stu(params), await readJson(req, CONSENT_BODY_BYTES))),
    },
    {
      method: "PUT",
      path: "/staff/studies/{studyId}/intake-questions",
      guard: "staff",
      summary: "Replace the intake questions (while nobody answered)",
      params: study,
      body: {
        schema: intakeQuestionsSchema,
        example: { questions: [{ kind: "number", label: { en: "Rooms heated" }, min: 0, max: 30 }] },
      },
      answers: { 200: { description: "`questions`.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "study_not_found", "conflict"],
      refusals: "study.refused",
      handle: async ({ req, actor, params }) =>
        json(await setIntakeRequest(actor, stu(params), await readJson(req, CONSENT_BODY_BYTES))),
    },
    {
      method: "PUT",
      path: "/staff/studies/{studyId}/onboarding-steps",
      guard: "staff",
      summary: "Replace the onboarding checklist",
      params: study,
      body: { schema: onboardingStepsSchema, example: { steps: [{ kind: "claim_device", model: "coreink-heat" }] } },
      answers: { 200: { description: "`steps`.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "study_not_found"],
      refusals: "study.refused",
      handle: async ({ req, actor, params }) =>
        json(await setOnboardingRequest(actor, stu(params), await readJson(req, SMALL_BODY_BYTES))),
    },
    {
      method: "POST",
      path: "/staff/studies/{studyId}/researchers",
      guard: "staff",
      summary: "Grant a researcher account access to the study",
      params: study,
      body: { schema: researcherGrantSchema },
      answers: { 201: { description: "The grant.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "study_not_found", "not_found", "conflict"],
      refusals: "study.refused",
      handle: async ({ req, actor, params }) =>
        json(await grantResearcherRequest(actor, stu(params), await readJson(req, SMALL_BODY_BYTES)), 201),
    },
    {
      method: "DELETE",
      path: "/staff/studies/{studyId}/researchers/{userId}",
      guard: "staff",
      summary: "End a researcher's access to the study",
      params: participant,
      answers: { 204: { description: "Ended; no body." } },
      errors: ["study_not_found", "not_found"],
      refusals: "study.refused",
      handle: async ({ actor, params }) => {
        await revokeResearcherRequest(actor, stu(params), idOrNotFound("usr", params.userId));
        return new Response(null, { status: 204 });
      },
    },
    {
      method: "POST",
      path: "/staff/studies/{studyId}/participants/{userId}/withdrawal",
      guard: "staff",
      summary: "Withdraw a participant from the study on their request, with a reason",
      description: "Under the study's data policy (docs/studies.md); under `erase` the erasure runs after the answer.",
      params: participant,
      body: { schema: staffReasonSchema, example: { reason: "asked by phone on 3 March" } },
      answers: { 200: { description: "What was done.", schema: jsonObject } },
      errors: [...BODY_ERRORS, "study_not_found", "not_found"],
      refusals: "study.withdrawal_refused",
      handle: async ({ req, actor, params }) =>
        json(
          await withdrawParticipantRequest(
            actor,
            stu(params),
            idOrNotFound("usr", params.userId),
            await readJson(req, SMALL_BODY_BYTES),
          ),
        ),
    },
  ],
};
