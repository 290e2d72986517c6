import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { enrolments, intakeAnswers, intakeQuestions, studies, type IntakeQuestion } from "../db/schema";
import { AppError } from "../errors/app-error";
import { newId, notFound } from "../ids";
import { activeEnrolment } from "./consent";
import { isMarkdownSafe, type IntakeAnswersInput, type IntakeQuestionInput } from "./schemas";
import { studyHasEnded } from "./studies";

// Intake questions a study asks each participant (short text, a number with its unit and bounds,
// a single choice), and their answers: given once, editable until the study ends.

export type IntakeQuestionView = Omit<IntakeQuestion, "studyId">;

/**
 * Replaces the study's questions with `questions`, in order. Refused (`conflict`) once anyone
 * answered: a question's meaning must not change under an answer. Audited.
 */
export async function setIntakeQuestions(
  db: Db,
  actor: Actor,
  studyId: string,
  questions: IntakeQuestionInput[],
): Promise<IntakeQuestionView[]> {
  return db.transaction(async (tx) => {
    const [s] = await tx.select().from(studies).where(eq(studies.id, studyId)).for("update");
    if (!s) throw notFound("stu");
    const old = await tx
      .select({ id: intakeQuestions.id })
      .from(intakeQuestions)
      .where(eq(intakeQuestions.studyId, studyId));
    if (old.length) {
      const [answered] = await tx
        .select({ n: sql<number>`1` })
        .from(intakeAnswers)
        .where(
          inArray(
            intakeAnswers.questionId,
            old.map((q) => q.id),
          ),
        )
        .limit(1);
      if (answered)
        throw new AppError("conflict", "Participants have answered these questions; they cannot change now.");
      await tx.delete(intakeQuestions).where(eq(intakeQuestions.studyId, studyId));
    }
    const rows = questions.map((q, i) => ({
      id: newId("itq"),
      studyId,
      position: i + 1,
      kind: q.kind,
      label: q.label,
      required: q.required,
      maxLength: q.kind === "text" ? q.maxLength : null,
      unit: q.kind === "number" ? q.unit : null,
      min: q.kind === "number" ? q.min : null,
      max: q.kind === "number" ? q.max : null,
      choices: q.kind === "choice" ? q.choices : null,
    }));
    if (rows.length) await tx.insert(intakeQuestions).values(rows);
    await recordAudit(tx, actor, {
      action: "study.intake_set",
      outcome: "success",
      detail: { studyId, questions: rows.length },
    });
    return rows.map(({ studyId: _s, ...q }) => q);
  });
}

export async function listIntakeQuestions(db: Db, studyId: string): Promise<IntakeQuestion[]> {
  return db
    .select()
    .from(intakeQuestions)
    .where(eq(intakeQuestions.studyId, studyId))
    .orderBy(asc(intakeQuestions.position));
}

/** An answer as stored, or the reason it is refused (with the question's bounds). */
export function checkAnswer(q: IntakeQuestion, value: string | number): string | { problem: string } {
  if (q.kind === "number") {
    const n = typeof value === "number" ? value : Number(String(value).trim().replace(",", "."));
    if (typeof value === "string" && String(value).trim() === "") return { problem: "is not a number" };
    if (!Number.isFinite(n)) return { problem: "is not a number" };
    if (q.min !== null && n < q.min) return { problem: `must be at least ${q.min}${q.unit ? ` ${q.unit}` : ""}` };
    if (q.max !== null && n > q.max) return { problem: `must be at most ${q.max}${q.unit ? ` ${q.unit}` : ""}` };
    return String(n);
  }
  if (typeof value !== "string") return { problem: "must be text" };
  if (q.kind === "choice") {
    if (!q.choices?.some((c) => c.value === value)) return { problem: "is not one of the choices" };
    return value;
  }
  const text = value.trim();
  if (text === "") return { problem: "is empty" };
  if ([...text].length > (q.maxLength ?? 200)) return { problem: `must be at most ${q.maxLength ?? 200} characters` };
  if (!isMarkdownSafe(text)) return { problem: "must not contain control characters" };
  return text;
}

/**
 * The participant answers (or changes, or clears with null) intake questions of a study they are
 * in. Every answer is checked first; one out of bounds refuses the whole request
 * (`invalid_request` listing each problem) and nothing is written. Refused once the study ended
 * (`study_closed`), and for a study they are not in (`study_not_found`). Audited (ids only).
 */
export async function answerIntake(
  db: Db,
  actor: Actor & { id: string },
  studyId: string,
  input: IntakeAnswersInput,
): Promise<{ answered: number; cleared: number }> {
  try {
    const e = await activeEnrolment(db, studyId, actor.id);
    const [study] = await db.select().from(studies).where(eq(studies.id, studyId));
    if (studyHasEnded(study)) throw new AppError("study_closed", "The study has ended: answers no longer change.");
    const questions = new Map((await listIntakeQuestions(db, studyId)).map((q) => [q.id, q]));
    const errors: { path: string; message: string }[] = [];
    const writes: { questionId: string; value: string | null }[] = [];
    for (const [questionId, value] of Object.entries(input.answers)) {
      const q = questions.get(questionId);
      if (!q) {
        errors.push({ path: `answers.${questionId}`, message: "is not a question of this study" });
        continue;
      }
      if (value === null) {
        writes.push({ questionId, value: null });
        continue;
      }
      const checked = checkAnswer(q, value);
      if (typeof checked === "string") writes.push({ questionId, value: checked });
      else errors.push({ path: `answers.${questionId}`, message: checked.problem });
    }
    if (errors.length)
      throw new AppError("invalid_request", errors.map((x) => `${x.path} ${x.message}`).join("; "), { errors });
    return await db.transaction(async (tx) => {
      // The enrolment row lock: a withdrawal (and its erasure) cannot interleave with answers.
      const [locked] = await tx
        .select({ withdrawnAt: enrolments.withdrawnAt })
        .from(enrolments)
        .where(eq(enrolments.id, e.id))
        .for("update");
      if (locked.withdrawnAt) throw notFound("stu");
      const now = new Date();
      let answered = 0;
      let cleared = 0;
      for (const w of writes) {
        if (w.value === null) {
          const gone = await tx
            .delete(intakeAnswers)
            .where(and(eq(intakeAnswers.enrolmentId, e.id), eq(intakeAnswers.questionId, w.questionId)))
            .returning({ q: intakeAnswers.questionId });
          cleared += gone.length;
          continue;
        }
        await tx
          .insert(intakeAnswers)
          .values({ enrolmentId: e.id, questionId: w.questionId, value: w.value, answeredAt: now, updatedAt: now })
          .onConflictDoUpdate({
            target: [intakeAnswers.enrolmentId, intakeAnswers.questionId],
            set: { value: w.value, updatedAt: now },
          });
        answered++;
      }
      await recordAudit(tx, actor, {
        action: "study.intake_answered",
        outcome: "success",
        subjectUserId: actor.id,
        detail: { studyId, answered, cleared },
      });
      return { answered, cleared };
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      await recordRefusal(db, actor, {
        action: "study.intake_refused",
        code: err.code,
        subjectUserId: actor.id,
        detail: { studyId },
      });
    throw err;
  }
}

/** The participant's own questions and answers in a study. */
export async function myIntake(db: Db, userId: string, studyId: string) {
  const e = await activeEnrolment(db, studyId, userId);
  const [questions, answers] = await Promise.all([
    listIntakeQuestions(db, studyId),
    db.select().from(intakeAnswers).where(eq(intakeAnswers.enrolmentId, e.id)),
  ]);
  const byQuestion = new Map(answers.map((a) => [a.questionId, a]));
  return questions.map(({ studyId: _s, ...q }) => ({
    ...q,
    answer: byQuestion.get(q.id)?.value ?? null,
    answeredAt: byQuestion.get(q.id)?.answeredAt ?? null,
  }));
}
