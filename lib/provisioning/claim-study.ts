import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { enrolments, studies } from "../db/schema";
import { AppError } from "../errors/app-error";
import { notFound } from "../ids";
import { consentState } from "../studies/consent";
import { OPEN_STATUSES } from "../studies/studies";

// Which study a claim is for (docs/studies.md "Claiming for a study"). The device protocol does
// not change: the study travels only in the person's claim request and on the device record.

/**
 * The account's enrolments not withdrawn, with their studies, under a share lock: a withdrawal
 * holds the enrolment's row lock while it revokes and releases the study's devices, so a claim
 * (or a device's answer binding one) decided now waits for it and sees the withdrawal, or goes
 * first and its device is among those the withdrawal then revokes. One statement; the claim
 * sends it with its first ones (lib/provisioning/create-claim.ts).
 */
export function claimEnrolments(tx: Db, userId: string) {
  return tx
    .select({ e: enrolments, s: studies })
    .from(enrolments)
    .innerJoin(studies, eq(studies.id, enrolments.studyId))
    .where(and(eq(enrolments.userId, userId), isNull(enrolments.withdrawnAt)))
    .for("share", { of: enrolments });
}
export type ClaimEnrolments = Awaited<ReturnType<typeof claimEnrolments>>;

/**
 * The study a claim is for, or null for a claim outside any study, from the claimant's
 * `enrolled` (claimEnrolments). `requested` is the study the claim request named; `fixed` the
 * study of the record a re-provisioning or a replacement lands on. Refused, changing nothing: a
 * study the account is not (or no longer) in (`study_not_found`) or that is not open
 * (`study_closed`), several open studies and none named (`study_required`), no consent to the
 * current version or a re-consent pending (`consent_required`), a model the study does not use
 * (`model_not_in_study`), a record of another study (`conflict`).
 */
export async function decideClaimStudy(
  tx: Db,
  enrolled: ClaimEnrolments,
  model: string,
  requested: string | undefined,
  fixed: string | null = null,
): Promise<string | null> {
  if (requested && fixed && requested !== fixed)
    throw new AppError("conflict", "This device was claimed for another study.");
  const wanted = requested ?? fixed ?? undefined;
  const mine = enrolled.filter((r) => (wanted ? r.e.studyId === wanted : OPEN_STATUSES.includes(r.s.status)));
  if (wanted && mine.length === 0) throw notFound("stu");
  if (mine.length === 0) return null;
  if (mine.length > 1)
    throw new AppError("study_required", "You take part in more than one study: say which study this device is for.");
  const [{ e, s }] = mine;
  if (!OPEN_STATUSES.includes(s.status))
    throw new AppError("study_closed", `This study is ${s.status}: devices cannot be claimed for it now.`);
  const state = await consentState(tx, e);
  if (state !== "consented")
    throw new AppError(
      "consent_required",
      state === "reconsent_pending"
        ? "The study's consent text changed: read it and consent again before claiming a device."
        : "Read the study's consent text and consent to it before claiming a device.",
    );
  if (s.models.length > 0 && !s.models.includes(model))
    throw new AppError("model_not_in_study", `This study does not use ${model} devices.`);
  return s.id;
}

/** decideClaimStudy with the claimant's enrolments read (and share-locked) now. */
export async function resolveClaimStudy(
  tx: Db,
  userId: string,
  model: string,
  requested: string | undefined,
  fixed: string | null = null,
): Promise<string | null> {
  return decideClaimStudy(tx, await claimEnrolments(tx, userId), model, requested, fixed);
}

/** Whether a claim made for `studyId` may still bind a device now (the participant may have withdrawn meanwhile). */
export async function studyStillClaimable(tx: Db, userId: string, studyId: string, model: string): Promise<boolean> {
  try {
    return (await resolveClaimStudy(tx, userId, model, studyId)) === studyId;
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return false;
    throw err;
  }
}
