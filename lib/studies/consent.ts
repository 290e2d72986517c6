import { isIPv4 } from "node:net";
import { and, asc, eq, gt, isNotNull, isNull } from "drizzle-orm";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { consents, consentVersions, enrolments, studies, type Enrolment } from "../db/schema";
import { AppError } from "../errors/app-error";
import { notFound } from "../ids";
import { addressBucket } from "../rate-limit/address";
import {
  currentConsentVersion,
  markConsentShown,
  toConsentVersionView,
  type ConsentVersionView,
} from "./consent-versions";
import { requireOpen, toStudyView, type StudyView } from "./studies";

// A participant's consent: to the current version only, recorded in the append-only consents
// table and in the audit log. A later version marked "needs consent again" puts the participant
// in the re-consent state until they consent again or withdraw (docs/studies.md).

export type ConsentState = "not_consented" | "consented" | "reconsent_pending" | "withdrawn";

/** The address a consent is recorded with: IPv4 by its /24, IPv6 by its /64, never the address itself. */
export function consentAddressBucket(ip: string | null): string | null {
  if (!ip) return null;
  if (isIPv4(ip)) return `${ip.split(".").slice(0, 3).join(".")}.0/24`;
  const b = addressBucket(ip);
  return b.endsWith("/64") ? b : null;
}

/** The enrolment of `userId` in `studyId`, withdrawn or not; null when they were never in it. */
export async function findEnrolment(db: Db, studyId: string, userId: string): Promise<Enrolment | null> {
  const [e] = await db
    .select()
    .from(enrolments)
    .where(and(eq(enrolments.studyId, studyId), eq(enrolments.userId, userId)));
  return e ?? null;
}

/**
 * The participant's active (not withdrawn) enrolment, or `study_not_found`: a study one is not in
 * is answered as if it did not exist.
 */
export async function activeEnrolment(db: Db, studyId: string, userId: string): Promise<Enrolment> {
  const e = await findEnrolment(db, studyId, userId);
  if (!e || e.withdrawnAt) throw notFound("stu");
  return e;
}

/** Whether a version after the one consented to asks for consent again. */
async function reconsentAsked(db: Db, e: Enrolment): Promise<boolean> {
  if (!e.consentVersionId) return false;
  const [consented] = await db
    .select({ version: consentVersions.version })
    .from(consentVersions)
    .where(eq(consentVersions.id, e.consentVersionId));
  const [later] = await db
    .select({ id: consentVersions.id })
    .from(consentVersions)
    .where(
      and(
        eq(consentVersions.studyId, e.studyId),
        gt(consentVersions.version, consented.version),
        eq(consentVersions.requiresReconsent, true),
      ),
    )
    .limit(1);
  return !!later;
}

/** Where an enrolment stands with consent. */
export async function consentState(db: Db, e: Enrolment): Promise<ConsentState> {
  if (e.withdrawnAt) return "withdrawn";
  if (!e.consentVersionId) return "not_consented";
  return (await reconsentAsked(db, e)) ? "reconsent_pending" : "consented";
}

export type ConsentScreen = {
  study: Pick<
    StudyView,
    "id" | "name" | "description" | "infoUrl" | "contactEmail" | "dataPolicy" | "startsOn" | "endsOn"
  >;
  state: ConsentState;
  current: ConsentVersionView;
  /** The versions since the one consented to, each with what changed (re-consent), oldest first. */
  since: ConsentVersionView[];
};

/**
 * What a participant reads before consenting: the study, the current consent text and, when they
 * are asked again, what changed since the version they consented to. Marks the version shown
 * (from then on it never changes). `study_not_found` for a study they are not in.
 */
export async function showConsent(db: Db, userId: string, studyId: string): Promise<ConsentScreen> {
  const e = await activeEnrolment(db, studyId, userId);
  const [study] = await db.select().from(studies).where(eq(studies.id, studyId));
  const current = await currentConsentVersion(db, studyId);
  if (!current) throw new AppError("study_closed", "This study has no consent text yet.");
  await markConsentShown(db, current.id);
  let since: ConsentVersionView[] = [];
  if (e.consentVersionId) {
    const [mine] = await db.select().from(consentVersions).where(eq(consentVersions.id, e.consentVersionId));
    const later = await db
      .select()
      .from(consentVersions)
      .where(and(eq(consentVersions.studyId, studyId), gt(consentVersions.version, mine.version)))
      .orderBy(asc(consentVersions.version));
    since = later.map(toConsentVersionView);
  }
  const { id, name, description, infoUrl, contactEmail, dataPolicy, startsOn, endsOn } = toStudyView(study);
  return {
    study: { id, name, description, infoUrl, contactEmail, dataPolicy, startsOn, endsOn },
    state: await consentState(db, e),
    current: toConsentVersionView({ ...current, firstShownAt: current.firstShownAt ?? new Date() }),
    since,
  };
}

/**
 * The participant consents to `versionId` of the study. Refused, changing nothing: a study they
 * are not in (`study_not_found`), a closed study (`study_closed`), a version that does not exist
 * or belongs to another study (`consent_version_not_found`), one that is not the current version
 * (`consent_version_not_current`). Consenting again to the version already consented to is a
 * no-op. Recorded in `consents` and the audit log in one transaction; refusals are audited (capped).
 */
export async function consentToStudy(
  db: Db,
  actor: Actor & { id: string },
  studyId: string,
  versionId: string,
): Promise<{ state: ConsentState; version: number }> {
  try {
    return await db.transaction(async (tx) => {
      const [e] = await tx
        .select()
        .from(enrolments)
        .where(and(eq(enrolments.studyId, studyId), eq(enrolments.userId, actor.id), isNull(enrolments.withdrawnAt)))
        .for("update");
      if (!e) throw notFound("stu");
      const [study] = await tx.select().from(studies).where(eq(studies.id, studyId));
      requireOpen(study, "consenting");
      const [version] = await tx
        .select()
        .from(consentVersions)
        .where(and(eq(consentVersions.id, versionId), eq(consentVersions.studyId, studyId)));
      if (!version) throw notFound("cnv");
      const current = await currentConsentVersion(tx, studyId);
      if (current!.id !== version.id)
        throw new AppError(
          "consent_version_not_current",
          `Version ${version.version} is not the current consent text (version ${current!.version} is). Read it and consent to that.`,
        );
      if (e.consentVersionId === version.id) return { state: "consented" as const, version: version.version };
      const now = new Date();
      await tx.insert(consents).values({
        studyId,
        userId: actor.id,
        consentVersionId: version.id,
        version: version.version,
        at: now,
        addressBucket: consentAddressBucket(actor.ip),
      });
      await tx
        .update(enrolments)
        .set({ consentVersionId: version.id, consentedAt: e.consentedAt ?? now, acceptedAt: e.acceptedAt ?? now })
        .where(eq(enrolments.id, e.id));
      // Consenting is seeing: the version is immutable from now on even if the screen never marked it.
      await markConsentShown(tx, version.id);
      await recordAudit(tx, actor, {
        action: e.consentVersionId ? "study.reconsented" : "study.consented",
        outcome: "success",
        subjectUserId: actor.id,
        detail: { studyId, consentVersionId: version.id, version: version.version },
      });
      return { state: "consented" as const, version: version.version };
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      await recordRefusal(db, actor, {
        action: "study.consent_refused",
        code: err.code,
        subjectUserId: actor.id,
        detail: { studyId, consentVersionId: versionId },
      });
    throw err;
  }
}

export type MyStudy = {
  studyId: string;
  name: StudyView["name"];
  status: StudyView["status"];
  dataPolicy: StudyView["dataPolicy"];
  state: ConsentState;
  withdrawnAt: Date | null;
};

/** The studies an account is or was in, with where each stands (for /account and the sign-in check). */
export async function myStudies(db: Db, userId: string): Promise<MyStudy[]> {
  const rows = await db
    .select({ e: enrolments, s: studies })
    .from(enrolments)
    .innerJoin(studies, eq(studies.id, enrolments.studyId))
    .where(and(eq(enrolments.userId, userId), isNotNull(enrolments.userId)))
    .orderBy(asc(enrolments.invitedAt));
  const out: MyStudy[] = [];
  for (const { e, s } of rows)
    out.push({
      studyId: s.id,
      name: s.name,
      status: s.status,
      dataPolicy: s.dataPolicy,
      state: await consentState(db, e),
      withdrawnAt: e.withdrawnAt,
    });
  return out;
}

/** The studies whose consent the participant must answer before anything else (first consent or again). */
export async function studiesAwaitingConsent(db: Db, userId: string): Promise<MyStudy[]> {
  return (await myStudies(db, userId)).filter(
    (s) =>
      (s.status === "recruiting" || s.status === "running") &&
      (s.state === "reconsent_pending" || s.state === "not_consented"),
  );
}
