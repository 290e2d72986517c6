import type { Actor } from "../audit/record";
import { deleteAccount } from "../accounts/delete-account";
import { deleteMyAccountSchema } from "../accounts/schemas";
import { countSignInAttempt, settleSignInSuccess } from "../auth/limits";
import { verifyPassword } from "../auth/password";
import type { SessionUser } from "../auth/session-user";
import { getUser } from "../accounts/users";
import { getDb } from "../db/client";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { consentToStudy, showConsent, studiesAwaitingConsent } from "./consent";
import { erasureStatus } from "./erasure";
import { eraseLater } from "./erase-later";
import { answerIntake, myIntake } from "./intake";
import { myStudyOverview } from "./participant";
import { consentSchema, intakeAnswersSchema } from "./schemas";
import { previewWithdrawal, withdrawFromStudy } from "./withdraw";

// The participant's study use cases as the API routes and pages call them: each parses what the
// edge received, runs one use case on the app database for the signed-in account, and returns a
// DTO. A study the account is not in answers `study_not_found`, like one that does not exist.

/** The signed-in person acting on their own account. */
const self = (actor: Actor, user: SessionUser): Actor & { id: string } => ({ ...actor, id: user.id });

export async function listMyStudies(user: SessionUser) {
  return myStudyOverview(await getDb(), user.id);
}

/** The studies whose consent the person must answer first (the signed-in landing sends them there). */
export async function myStudiesAwaitingConsent(user: SessionUser) {
  return studiesAwaitingConsent(await getDb(), user.id);
}

export async function myConsentScreen(user: SessionUser, studyId: string | undefined) {
  return showConsent(await getDb(), user.id, idOrNotFound("stu", studyId));
}

export async function consentToMyStudy(actor: Actor, user: SessionUser, studyId: string | undefined, body: unknown) {
  const { versionId } = parseOrThrow(consentSchema, body);
  return consentToStudy(await getDb(), self(actor, user), idOrNotFound("stu", studyId), versionId);
}

export async function myIntakeAnswers(user: SessionUser, studyId: string | undefined) {
  return { questions: await myIntake(await getDb(), user.id, idOrNotFound("stu", studyId)) };
}

export async function answerMyIntake(actor: Actor, user: SessionUser, studyId: string | undefined, body: unknown) {
  const input = parseOrThrow(intakeAnswersSchema, body);
  return answerIntake(await getDb(), self(actor, user), idOrNotFound("stu", studyId), input);
}

export async function previewMyWithdrawal(user: SessionUser, studyId: string | undefined) {
  return previewWithdrawal(await getDb(), user.id, idOrNotFound("stu", studyId));
}

/** Withdraws the person from the study; under `erase` the erasure starts right after the answer. */
export async function withdrawMe(actor: Actor, user: SessionUser, studyId: string | undefined) {
  const result = await withdrawFromStudy(await getDb(), self(actor, user), idOrNotFound("stu", studyId), user.id);
  eraseLater(result.erasureId ? [result.erasureId] : []);
  return result;
}

export async function myErasureStatus(user: SessionUser, erasureId: string | undefined) {
  return erasureStatus(await getDb(), idOrNotFound("ers", erasureId), user.id);
}

/**
 * "Delete my account": the current password confirms it (wrong ones count like sign-in
 * failures). Every session ends with the account; the erasures start right after the answer.
 */
export async function deleteMyAccount(actor: Actor, user: SessionUser, body: unknown) {
  const { password } = parseOrThrow(deleteMyAccountSchema, body);
  const db = await getDb();
  const me = await getUser(db, user.id);
  if (!me) throw new AppError("not_found", "No such account.");
  const attempt = await countSignInAttempt(db, me.email, actor.ip);
  if (!attempt.ok)
    throw new AppError("rate_limited", "Too many wrong passwords. Try again later.", {
      retryAfterSeconds: attempt.retryAfterSeconds,
    });
  if (!(await verifyPassword(me.passwordHash, password)))
    throw new AppError("invalid_request", "Your password is not right.", {
      errors: [{ path: "password", message: "is not right" }],
    });
  await settleSignInSuccess(db, me.email, actor.ip);
  const result = await deleteAccount(db, self(actor, user), user.id);
  eraseLater(result.erasureIds);
  return result;
}
