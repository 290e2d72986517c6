import { asc, eq } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { SealKeys } from "../crypto/seal";
import type { Db } from "../db/client";
import { consentVersions, studies, type LocalizedText, type Study, type StudyStatus } from "../db/schema";
import { AppError } from "../errors/app-error";
import { newId, notFound } from "../ids";
import { newStudyKey } from "./pseudonyms";
import type { CreateStudyInput, EditStudyInput } from "./schemas";

// A study's own record: create, edit, and move along its lifecycle (docs/studies.md).

/** Which status may follow which. `ended` is final for participants; `archived` for everyone. */
export const STATUS_TRANSITIONS: Record<StudyStatus, StudyStatus[]> = {
  draft: ["recruiting", "archived"],
  recruiting: ["running", "ended"],
  running: ["recruiting", "ended"],
  ended: ["archived"],
  archived: [],
};

/** Statuses in which people may be invited, consent and claim devices for the study. */
export const OPEN_STATUSES: StudyStatus[] = ["recruiting", "running"];

export type StudyView = {
  id: string;
  name: LocalizedText;
  description: LocalizedText;
  infoUrl: string | null;
  contactEmail: string;
  startsOn: string;
  endsOn: string;
  status: StudyStatus;
  models: string[];
  dataPolicy: "erase" | "retain";
  pendingConsentReadings: "pause" | "continue";
  createdAt: Date;
  updatedAt: Date;
};

export function toStudyView(s: Study): StudyView {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    infoUrl: s.infoUrl,
    contactEmail: s.contactEmail,
    startsOn: s.startsOn,
    endsOn: s.endsOn,
    status: s.status,
    models: s.models,
    dataPolicy: s.dataPolicy,
    pendingConsentReadings: s.pendingConsentReadings,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

/** The study, or `study_not_found`. */
export async function getStudy(db: Db, studyId: string): Promise<Study> {
  const [s] = await db.select().from(studies).where(eq(studies.id, studyId));
  if (!s) throw notFound("stu");
  return s;
}

/** Every study, by start day, for staff. */
export async function listStudies(db: Db): Promise<StudyView[]> {
  const rows = await db.select().from(studies).orderBy(asc(studies.startsOn), asc(studies.id));
  return rows.map(toStudyView);
}

/** Whether answers may still change: until the study ends (its status, or the day after its last day, UTC). */
export function studyHasEnded(s: Pick<Study, "status" | "endsOn">, now = new Date()): boolean {
  return s.status === "ended" || s.status === "archived" || now.toISOString().slice(0, 10) > s.endsOn;
}

/** Throws `study_closed` unless people may join and act in the study now. */
export function requireOpen(s: Study, what: string): void {
  if (!OPEN_STATUSES.includes(s.status))
    throw new AppError("study_closed", `This study is ${s.status}: ${what} is not possible now.`);
}

/** The study, locked for share, if it may recruit now; `study_not_found` or `study_closed` otherwise. */
export async function requireOpenStudy(tx: Db, studyId: string): Promise<Study> {
  const [s] = await tx.select().from(studies).where(eq(studies.id, studyId)).for("share");
  if (!s) throw notFound("stu");
  requireOpen(s, "inviting");
  return s;
}

/** Creates a study in `draft`, with its own pseudonym key. Audited. */
export async function createStudy(db: Db, actor: Actor, keys: SealKeys, input: CreateStudyInput): Promise<StudyView> {
  const id = newId("stu");
  return db.transaction(async (tx) => {
    const [row] = await tx
      .insert(studies)
      .values({
        id,
        name: input.name,
        description: input.description,
        infoUrl: input.infoUrl ?? null,
        contactEmail: input.contactEmail,
        startsOn: input.startsOn,
        endsOn: input.endsOn,
        models: input.models,
        dataPolicy: input.dataPolicy,
        pendingConsentReadings: input.pendingConsentReadings,
        pseudonymKeySealed: newStudyKey(keys, id),
        createdBy: actor.id,
      })
      .returning();
    await recordAudit(tx, actor, { action: "study.created", outcome: "success", detail: { studyId: id } });
    return toStudyView(row);
  });
}

/**
 * Changes a study's fields. The data policy is fixed once the study leaves draft (consent was
 * given to it); an archived study changes no more (`study_closed`). Audited with the fields changed.
 */
export async function editStudy(db: Db, actor: Actor, studyId: string, input: EditStudyInput): Promise<StudyView> {
  return db.transaction(async (tx) => {
    const [s] = await tx.select().from(studies).where(eq(studies.id, studyId)).for("update");
    if (!s) throw notFound("stu");
    if (s.status === "archived") throw new AppError("study_closed", "An archived study cannot be changed.");
    if (input.dataPolicy && input.dataPolicy !== s.dataPolicy && s.status !== "draft")
      throw new AppError(
        "conflict",
        "The data policy cannot change once the study has left draft: participants consented to it.",
      );
    const startsOn = input.startsOn ?? s.startsOn;
    const endsOn = input.endsOn ?? s.endsOn;
    if (startsOn > endsOn) throw new AppError("invalid_request", "endsOn must not be before startsOn.");
    const [row] = await tx
      .update(studies)
      .set({ ...input, updatedAt: new Date() })
      .where(eq(studies.id, studyId))
      .returning();
    await recordAudit(tx, actor, {
      action: "study.edited",
      outcome: "success",
      detail: { studyId, fields: Object.keys(input).sort() },
    });
    return toStudyView(row);
  });
}

/**
 * Moves a study to `status` along STATUS_TRANSITIONS (else `status_transition_not_allowed`).
 * A study recruits only with a consent text. Audited.
 */
export async function changeStudyStatus(
  db: Db,
  actor: Actor,
  studyId: string,
  status: StudyStatus,
): Promise<StudyView> {
  return db.transaction(async (tx) => {
    const [s] = await tx.select().from(studies).where(eq(studies.id, studyId)).for("update");
    if (!s) throw notFound("stu");
    if (!STATUS_TRANSITIONS[s.status].includes(status))
      throw new AppError(
        "status_transition_not_allowed",
        `A ${s.status} study cannot become ${status}; it can become ${STATUS_TRANSITIONS[s.status].join(" or ") || "nothing else"}.`,
      );
    const [text] = await tx
      .select({ id: consentVersions.id })
      .from(consentVersions)
      .where(eq(consentVersions.studyId, studyId))
      .limit(1);
    if (OPEN_STATUSES.includes(status) && !text)
      throw new AppError("conflict", "Write the consent text before the study recruits.");
    const [row] = await tx
      .update(studies)
      .set({ status, updatedAt: new Date() })
      .where(eq(studies.id, studyId))
      .returning();
    await recordAudit(tx, actor, {
      action: "study.status_changed",
      outcome: "success",
      detail: { studyId, from: s.status, to: status },
    });
    return toStudyView(row);
  });
}
