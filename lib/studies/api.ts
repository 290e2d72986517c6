import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { getDb } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import {
  grantResearcher,
  listResearchers,
  readableStudies,
  researcherAccounts,
  revokeResearcher,
  studyReader,
} from "./access";
import { listConsentVersions, reviseConsent } from "./consent-versions";
import { studyDashboard } from "./dashboard";
import { eraseLater } from "./erase-later";
import { exportStudy } from "./export";
import { listIntakeQuestions, setIntakeQuestions } from "./intake";
import { listOnboardingSteps, setOnboardingSteps } from "./onboarding";
import {
  consentRevisionSchema,
  createStudySchema,
  dashboardQuerySchema,
  editStudySchema,
  intakeQuestionsSchema,
  onboardingStepsSchema,
  researcherGrantSchema,
  staffReasonSchema,
  studyStatusChangeSchema,
} from "./schemas";
import {
  changeStudyStatus,
  createStudy,
  editStudy,
  getStudy,
  listStudies,
  OPEN_STATUSES,
  STATUS_TRANSITIONS,
  toStudyView,
} from "./studies";
import { withdrawFromStudy } from "./withdraw";
import { deleteAccount } from "../accounts/delete-account";
import type { Study } from "../db/schema";

// The study use cases as the API routes and pages call them: each takes what the edge parsed,
// runs one use case on the app database, and returns a DTO. Researchers reach only
// `readableStudiesRequest`, `dashboardRequest` and `exportRequest`, whose DTOs carry pseudonyms
// and study parameters, never an email, name, address or account id.

export async function listStudiesRequest() {
  return { studies: await listStudies(await getDb()) };
}

/** The studies people can be invited into now (recruiting or running), for the invitation forms. */
export async function studiesOpenForInvitations(): Promise<{ id: string; name: string }[]> {
  const all = await listStudies(await getDb());
  return all
    .filter((s) => OPEN_STATUSES.includes(s.status))
    .map((s) => ({ id: s.id, name: s.name.en ?? s.name.nl ?? s.id }));
}

export async function createStudyRequest(actor: Actor, body: unknown) {
  return createStudy(await getDb(), actor, env().secretKey, parseOrThrow(createStudySchema, body));
}

/** Everything the staff study page shows but the dashboard. `study_not_found` for an unknown id. */
export async function studyForStaff(studyId: string) {
  const db = await getDb();
  const study = await getStudy(db, studyId);
  const [consentVersions, intakeQuestions, onboardingSteps, researchers, researcherChoices] = await Promise.all([
    listConsentVersions(db, studyId),
    listIntakeQuestions(db, studyId),
    listOnboardingSteps(db, studyId),
    listResearchers(db, studyId),
    researcherAccounts(db),
  ]);
  return {
    study: toStudyView(study),
    nextStatuses: STATUS_TRANSITIONS[study.status],
    consentVersions,
    intakeQuestions: intakeQuestions.map(({ studyId: _s, ...q }) => q),
    onboardingSteps,
    researchers,
    researcherChoices,
  };
}

export async function editStudyRequest(actor: Actor, studyId: string, body: unknown) {
  return editStudy(await getDb(), actor, studyId, parseOrThrow(editStudySchema, body));
}

export async function changeStudyStatusRequest(actor: Actor, studyId: string, body: unknown) {
  return changeStudyStatus(await getDb(), actor, studyId, parseOrThrow(studyStatusChangeSchema, body).status);
}

export async function consentVersionsRequest(studyId: string) {
  const db = await getDb();
  await getStudy(db, studyId);
  return { versions: await listConsentVersions(db, studyId) };
}

export async function reviseConsentRequest(actor: Actor, studyId: string, body: unknown) {
  return reviseConsent(await getDb(), actor, studyId, parseOrThrow(consentRevisionSchema, body));
}

export async function setIntakeRequest(actor: Actor, studyId: string, body: unknown) {
  const { questions } = parseOrThrow(intakeQuestionsSchema, body);
  return { questions: await setIntakeQuestions(await getDb(), actor, studyId, questions) };
}

export async function setOnboardingRequest(actor: Actor, studyId: string, body: unknown) {
  const { steps } = parseOrThrow(onboardingStepsSchema, body);
  return { steps: await setOnboardingSteps(await getDb(), actor, studyId, steps) };
}

export async function grantResearcherRequest(actor: Actor, studyId: string, body: unknown) {
  const { userId } = parseOrThrow(researcherGrantSchema, body);
  return grantResearcher(await getDb(), actor, studyId, userId);
}

export async function revokeResearcherRequest(actor: Actor, studyId: string, userId: string) {
  await revokeResearcher(await getDb(), actor, studyId, userId);
}

/** Staff withdraw a participant on their request, with a reason; the erasure (under `erase`) runs after. */
export async function withdrawParticipantRequest(actor: Actor, studyId: string, userId: string, body: unknown) {
  const { reason } = parseOrThrow(staffReasonSchema, body);
  const result = await withdrawFromStudy(await getDb(), actor, studyId, userId, { reason });
  eraseLater([result.erasureId]);
  return result;
}

/** What a researcher (or staff) sees of a study in their list: its parameters, no contact address. */
export function readerStudyView(s: Study) {
  const { id, name, description, status, startsOn, endsOn, models, dataPolicy } = toStudyView(s);
  return { id, name, description, status, startsOn, endsOn, models, dataPolicy };
}

/** The studies the signed-in account may read (a researcher: those granted; a participant: none). */
export async function readableStudiesRequest(user: Pick<SessionUser, "id" | "role">) {
  const rows = await readableStudies(await getDb(), user);
  return { studies: rows.sort((a, b) => a.startsOn.localeCompare(b.startsOn)).map(readerStudyView) };
}

/** The dashboard of a study `user` may read; `study_not_found` otherwise. Contacts for staff only. */
/**
 * A study's dashboard for whoever may read it. `pseudonymousOnly` (a program reading with an API
 * token) leaves out the contact details staff would otherwise see beside silent devices.
 */
export async function dashboardRequest(
  user: Pick<SessionUser, "id" | "role">,
  studyId: string,
  query: unknown,
  { pseudonymousOnly = false }: { pseudonymousOnly?: boolean } = {},
) {
  const db = await getDb();
  const found = await studyReader(db, user, studyId);
  const reader = pseudonymousOnly ? { ...found, contacts: false } : found;
  return studyDashboard(db, env().secretKey, reader, parseOrThrow(dashboardQuerySchema, query));
}

/** The study's export as a streamed zip (audited `study.exported`); `study_not_found` for a study the user may not read. */
export async function exportRequest(actor: Actor, user: Pick<SessionUser, "id" | "role">, studyId: string) {
  const db = await getDb();
  const reader = await studyReader(db, user, studyId);
  const { filename, body } = await exportStudy(db, env().secretKey, actor, reader);
  return new Response(body, {
    headers: {
      "Content-Type": "application/zip",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}

/** Staff delete an account on its holder's request, with a reason; the erasures run after the answer. */
export async function deleteAccountOnRequest(actor: Actor, userId: string, body: unknown) {
  const { reason } = parseOrThrow(staffReasonSchema, body);
  const result = await deleteAccount(await getDb(), actor, userId, { reason });
  eraseLater(result.erasureIds);
  return result;
}
