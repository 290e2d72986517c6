import { and, asc, eq, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { devices, intakeAnswers, onboardingSteps, studies } from "../db/schema";
import { newId, notFound } from "../ids";
import { activeEnrolment } from "./consent";
import { listIntakeQuestions } from "./intake";
import type { OnboardingStepInput } from "./schemas";

// The onboarding checklist of a study: ordered steps a participant sees with their progress on
// /devices ("claim your <model>" with its install guide, "answer the intake questions").

export type OnboardingProgress = {
  position: number;
  kind: "claim_device" | "intake";
  model: string | null;
  guideUrl: string | null;
  done: boolean;
}[];

/** Replaces the study's checklist with `steps`, in order. Audited. */
export async function setOnboardingSteps(db: Db, actor: Actor, studyId: string, steps: OnboardingStepInput[]) {
  return db.transaction(async (tx) => {
    const [s] = await tx.select({ id: studies.id }).from(studies).where(eq(studies.id, studyId)).for("update");
    if (!s) throw notFound("stu");
    await tx.delete(onboardingSteps).where(eq(onboardingSteps.studyId, studyId));
    const rows = steps.map((st, i) => ({
      id: newId("stp"),
      studyId,
      position: i + 1,
      kind: st.kind,
      model: st.kind === "claim_device" ? st.model : null,
      guideUrl: st.kind === "claim_device" ? st.guideUrl : null,
    }));
    if (rows.length) await tx.insert(onboardingSteps).values(rows);
    await recordAudit(tx, actor, {
      action: "study.onboarding_set",
      outcome: "success",
      detail: { studyId, steps: rows.length },
    });
    return rows.map(({ studyId: _s, id: _i, ...r }) => r);
  });
}

/** The participant's checklist in a study, each step marked done or not (`study_not_found` when not in it). */
export async function onboardingProgress(db: Db, userId: string, studyId: string): Promise<OnboardingProgress> {
  const e = await activeEnrolment(db, studyId, userId);
  const [steps, owned, questions, answers] = await Promise.all([
    db
      .select()
      .from(onboardingSteps)
      .where(eq(onboardingSteps.studyId, studyId))
      .orderBy(asc(onboardingSteps.position)),
    db
      .select({ model: devices.model })
      .from(devices)
      .where(and(eq(devices.studyId, studyId), eq(devices.ownerId, userId), isNull(devices.releasedAt))),
    listIntakeQuestions(db, studyId),
    db.select({ questionId: intakeAnswers.questionId }).from(intakeAnswers).where(eq(intakeAnswers.enrolmentId, e.id)),
  ]);
  const models = new Set(owned.map((d) => d.model));
  const answered = new Set(answers.map((a) => a.questionId));
  const intakeDone = questions.filter((q) => q.required).every((q) => answered.has(q.id));
  return steps.map((st) => ({
    position: st.position,
    kind: st.kind,
    model: st.model,
    guideUrl: st.guideUrl,
    done: st.kind === "claim_device" ? models.has(st.model ?? "") : intakeDone,
  }));
}

/** The study's checklist as staff set it, in order. */
export async function listOnboardingSteps(db: Db, studyId: string) {
  const rows = await db
    .select()
    .from(onboardingSteps)
    .where(eq(onboardingSteps.studyId, studyId))
    .orderBy(asc(onboardingSteps.position));
  return rows.map((s) => ({ position: s.position, kind: s.kind, model: s.model, guideUrl: s.guideUrl }));
}
