import { and, asc, eq, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { canReadStudy, canSeeParticipantContacts } from "../auth/roles";
import type { Db } from "../db/client";
import { researcherGrants, studies, users, type Study } from "../db/schema";
import { AppError } from "../errors/app-error";
import { isUniqueViolation } from "../errors/validate";
import { newId, notFound } from "../ids";

// Who reads a study's dashboard and export: staff and support (every study, with participants'
// contact details where a page offers them), and a researcher holding an active grant for that
// study (pseudonymous data only, no actions). Anyone else is answered as if the study did not
// exist.

export type StudyViewer = { id: string; role: string };
export type StudyReader = { study: Study; contacts: boolean };

async function hasGrant(db: Db, studyId: string, userId: string): Promise<boolean> {
  const [g] = await db
    .select({ id: researcherGrants.id })
    .from(researcherGrants)
    .where(
      and(
        eq(researcherGrants.studyId, studyId),
        eq(researcherGrants.userId, userId),
        isNull(researcherGrants.revokedAt),
      ),
    );
  return !!g;
}

/** The study `viewer` may read, and whether they may see contact details; else `study_not_found`. */
export async function studyReader(db: Db, viewer: StudyViewer, studyId: string): Promise<StudyReader> {
  const [study] = await db.select().from(studies).where(eq(studies.id, studyId));
  if (!study) throw notFound("stu");
  const granted = viewer.role === "researcher" && (await hasGrant(db, studyId, viewer.id));
  if (!canReadStudy(viewer.role, granted)) throw notFound("stu");
  return { study, contacts: canSeeParticipantContacts(viewer.role) };
}

/** The studies a viewer may read (a researcher: those granted). */
export async function readableStudies(db: Db, viewer: StudyViewer): Promise<Study[]> {
  if (canReadStudy(viewer.role, false)) return db.select().from(studies);
  if (viewer.role !== "researcher") return [];
  const rows = await db
    .select({ study: studies })
    .from(researcherGrants)
    .innerJoin(studies, eq(studies.id, researcherGrants.studyId))
    .where(and(eq(researcherGrants.userId, viewer.id), isNull(researcherGrants.revokedAt)));
  return rows.map((r) => r.study);
}

/** Staff grant a researcher account access to one study; `conflict` if it has it, `invalid_request` for another role. Audited. */
export async function grantResearcher(db: Db, actor: Actor, studyId: string, userId: string) {
  const [study] = await db.select({ id: studies.id }).from(studies).where(eq(studies.id, studyId));
  if (!study) throw notFound("stu");
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user || user.deletedAt) throw notFound("usr");
  if (user.role !== "researcher")
    throw new AppError("invalid_request", "Only an account with the researcher role can be granted a study.");
  try {
    return await db.transaction(async (tx) => {
      const id = newId("rgr");
      await tx.insert(researcherGrants).values({ id, studyId, userId, grantedBy: actor.id });
      await recordAudit(tx, actor, {
        action: "study.researcher_granted",
        outcome: "success",
        subjectUserId: userId,
        subjectLabel: user.email,
        detail: { studyId, grantId: id },
      });
      return { id, studyId, userId };
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError("conflict", "This researcher already has access to the study.");
    throw err;
  }
}

/** Staff end a researcher's access to a study (`not_found` when there is none). Audited. */
export async function revokeResearcher(db: Db, actor: Actor, studyId: string, userId: string): Promise<void> {
  await db.transaction(async (tx) => {
    const [g] = await tx
      .update(researcherGrants)
      .set({ revokedAt: new Date() })
      .where(
        and(
          eq(researcherGrants.studyId, studyId),
          eq(researcherGrants.userId, userId),
          isNull(researcherGrants.revokedAt),
        ),
      )
      .returning();
    if (!g) throw new AppError("not_found", "This researcher has no access to the study.");
    await recordAudit(tx, actor, {
      action: "study.researcher_revoked",
      outcome: "success",
      subjectUserId: userId,
      detail: { studyId, grantId: g.id },
    });
  });
}

export type ResearcherGrantView = { userId: string; email: string; name: string; grantedAt: Date };

/** The researchers with an active grant for the study (staff see who they are). */
export async function listResearchers(db: Db, studyId: string): Promise<ResearcherGrantView[]> {
  return db
    .select({ userId: users.id, email: users.email, name: users.name, grantedAt: researcherGrants.grantedAt })
    .from(researcherGrants)
    .innerJoin(users, eq(users.id, researcherGrants.userId))
    .where(and(eq(researcherGrants.studyId, studyId), isNull(researcherGrants.revokedAt)))
    .orderBy(asc(users.email));
}

/** Every live account with the researcher role, for the grant form. */
export async function researcherAccounts(db: Db): Promise<{ id: string; email: string; name: string }[]> {
  return db
    .select({ id: users.id, email: users.email, name: users.name })
    .from(users)
    .where(and(eq(users.role, "researcher"), isNull(users.deletedAt), isNull(users.disabledAt)))
    .orderBy(asc(users.email));
}
