import { and, asc, desc, eq, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { consentVersions, studies, type ConsentVersion, type LocalizedText } from "../db/schema";
import { AppError } from "../errors/app-error";
import { newId, notFound } from "../ids";
import type { ConsentRevisionInput } from "./schemas";

// The consent text of a study, versioned. The newest version is the current one. A version
// shown to a participant never changes (a trigger refuses it, migration 0012): saving an edit
// then makes a new version; staff say whether participants must consent again.

export type ConsentVersionView = {
  id: string;
  version: number;
  text: LocalizedText;
  changes: LocalizedText;
  requiresReconsent: boolean;
  createdAt: Date;
  firstShownAt: Date | null;
};

export function toConsentVersionView(v: ConsentVersion): ConsentVersionView {
  return {
    id: v.id,
    version: v.version,
    text: v.text,
    changes: v.changes,
    requiresReconsent: v.requiresReconsent,
    createdAt: v.createdAt,
    firstShownAt: v.firstShownAt,
  };
}

/** The study's current (newest) consent version, or null before any was written. */
export async function currentConsentVersion(db: Db, studyId: string): Promise<ConsentVersion | null> {
  const [v] = await db
    .select()
    .from(consentVersions)
    .where(eq(consentVersions.studyId, studyId))
    .orderBy(desc(consentVersions.version))
    .limit(1);
  return v ?? null;
}

/** Every version of the study's consent text, oldest first: past versions stay readable. */
export async function listConsentVersions(db: Db, studyId: string): Promise<ConsentVersionView[]> {
  const rows = await db
    .select()
    .from(consentVersions)
    .where(eq(consentVersions.studyId, studyId))
    .orderBy(asc(consentVersions.version));
  return rows.map(toConsentVersionView);
}

/**
 * Saves the consent text. While the current version has never been shown to a participant it is
 * edited in place; once shown, a new version is made (the old one stays as it was). The first
 * version never asks for consent again (nobody consented before it). Audited.
 */
export async function reviseConsent(
  db: Db,
  actor: Actor,
  studyId: string,
  input: ConsentRevisionInput,
): Promise<{ version: ConsentVersionView; created: boolean }> {
  return db.transaction(async (tx) => {
    // The study's row lock serialises revisions, so two editors cannot both make version n+1.
    const [study] = await tx.select().from(studies).where(eq(studies.id, studyId)).for("update");
    if (!study) throw notFound("stu");
    if (study.status === "ended" || study.status === "archived")
      throw new AppError("study_closed", `The consent text of a ${study.status} study cannot change.`);
    const current = await currentConsentVersion(tx, studyId);
    // Version 1 never asks for consent again: nobody consented before it.
    const values = (version: number) => ({
      text: input.text,
      changes: input.changes ?? {},
      requiresReconsent: version > 1 && input.requiresReconsent,
    });
    if (current && current.firstShownAt === null) {
      // Conditional on still being unshown: a participant who saw it meanwhile keeps what they saw.
      const [edited] = await tx
        .update(consentVersions)
        .set(values(current.version))
        .where(and(eq(consentVersions.id, current.id), isNull(consentVersions.firstShownAt)))
        .returning();
      if (edited) {
        await recordAudit(tx, actor, {
          action: "consent.version_edited",
          outcome: "success",
          detail: { studyId, consentVersionId: edited.id, version: edited.version },
        });
        return { version: toConsentVersionView(edited), created: false };
      }
    }
    const version = (current?.version ?? 0) + 1;
    const [row] = await tx
      .insert(consentVersions)
      .values({
        id: newId("cnv"),
        studyId,
        version,
        ...values(version),
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, actor, {
      action: "consent.version_created",
      outcome: "success",
      detail: { studyId, consentVersionId: row.id, version, requiresReconsent: row.requiresReconsent },
    });
    return { version: toConsentVersionView(row), created: true };
  });
}

/** Marks a version as shown to a participant (once; from then on it is immutable). */
export async function markConsentShown(db: Db, versionId: string): Promise<void> {
  await db
    .update(consentVersions)
    .set({ firstShownAt: new Date() })
    .where(and(eq(consentVersions.id, versionId), isNull(consentVersions.firstShownAt)));
}
