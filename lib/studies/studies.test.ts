import { and, count, eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, enrolments, intakeAnswers, invitations } from "../db/schema";
import { acceptInvitation, createInvitation, revokeInvitation } from "../accounts/invitations";
import { createBulkInvitations } from "../accounts/bulk-invitations";
import { invitationInputSchema } from "../accounts/schemas";
import { newId } from "../ids";
import { showConsent } from "./consent";
import { inviteToStudy } from "./enrol";
import { answerIntake, myIntake, setIntakeQuestions, listIntakeQuestions } from "./intake";
import { onboardingProgress, setOnboardingSteps } from "./onboarding";
import { openStudyKey, pseudonymizer } from "./pseudonyms";
import { createStudySchema, editStudySchema, intakeAnswersSchema } from "./schemas";
import { changeStudyStatus, createStudy, editStudy } from "./studies";
import { claimTestDevice, insertAccount, OPTS, studyInput, studyTestBed } from "./test-fixtures";

const bed = studyTestBed();
const code = (p: Promise<unknown>) =>
  p.then(
    () => null,
    (e: { code?: string }) => e.code,
  );

describe("a study's record", () => {
  it("starts in draft, moves only along its lifecycle, and recruits only with a consent text", async () => {
    const s = await createStudy(bed.db, bed.staff, bed.cfg.secretKey, studyInput());
    expect(s.status).toBe("draft");
    expect(await code(changeStudyStatus(bed.db, bed.staff, s.id, "recruiting"))).toBe("conflict");
    expect(await code(changeStudyStatus(bed.db, bed.staff, s.id, "running"))).toBe("status_transition_not_allowed");
    const open = await bed.openStudy();
    for (const [to, ok] of [
      ["draft", false],
      ["running", true],
      ["recruiting", true],
      ["ended", true],
      ["running", false],
      ["archived", true],
      ["ended", false],
    ] as const)
      expect([to, await code(changeStudyStatus(bed.db, bed.staff, open.id, to))]).toEqual([
        to,
        ok ? null : "status_transition_not_allowed",
      ]);
    expect(await code(editStudy(bed.db, bed.staff, open.id, { name: { en: "x" } }))).toBe("study_closed");
    const events = await bed.db
      .select({ detail: auditEvents.detail })
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "study.status_changed"), sql`${auditEvents.detail}->>'studyId' = ${open.id}`));
    expect(events).toHaveLength(5);
  });

  it("validates input strictly: text per language, dates in order, bounded, no unknown keys", () => {
    const bad = (over: Record<string, unknown>) => createStudySchema.safeParse({ ...studyInput(), ...over }).success;
    expect(bad({})).toBe(true);
    expect(bad({ name: {} })).toBe(false);
    expect(bad({ name: { de: "Heizung" } })).toBe(false);
    expect(bad({ endsOn: "2025-12-31" })).toBe(false);
    expect(bad({ startsOn: "2026-02-30" })).toBe(false);
    expect(bad({ dataPolicy: "keep" })).toBe(false);
    expect(bad({ name: { en: "x".repeat(121) } })).toBe(false);
    expect(bad({ name: { en: "bell\u0007" } })).toBe(false);
    expect(bad({ infoUrl: "javascript:alert(1)" })).toBe(false);
    expect(bad({ owner: "me" })).toBe(false);
    expect(editStudySchema.safeParse({}).success).toBe(false);
  });
});

describe("invitations that name a study", () => {
  it("enrol the invitee, who is accepted once the link is used; a revoked or superseded link takes its place along", async () => {
    const study = await bed.openStudy();
    const email = `inv.${Date.now()}.${Math.random().toString(36).slice(2)}@example.org`;
    const first = await createInvitation(
      bed.db,
      bed.staff,
      invitationInputSchema.parse({ email, name: "Ann", studyId: study.id }),
      OPTS,
    );
    const second = await createInvitation(
      bed.db,
      bed.staff,
      invitationInputSchema.parse({ email, name: "Ann", studyId: study.id }),
      OPTS,
    );
    const places = await bed.db.select().from(enrolments).where(eq(enrolments.studyId, study.id));
    expect(places.map((p) => p.invitationId)).toEqual([second.invitation.id]);
    const user = await acceptInvitation(
      bed.db,
      { token: second.link.split("#")[1], password: "a long chosen password" },
      null,
    );
    const [e] = await bed.db.select().from(enrolments).where(eq(enrolments.userId, user.id));
    expect(e).toMatchObject({ studyId: study.id, acceptedAt: expect.any(Date), consentVersionId: null });
    expect((await showConsent(bed.db, user.id, study.id)).state).toBe("not_consented");
    expect(first.invitation.studyId).toBe(study.id);

    const third = await createInvitation(
      bed.db,
      bed.staff,
      invitationInputSchema.parse({ email: `x${email}`, name: "X", studyId: study.id }),
      OPTS,
    );
    await revokeInvitation(bed.db, bed.staff, third.invitation.id);
    expect(await bed.db.select().from(enrolments).where(eq(enrolments.invitationId, third.invitation.id))).toEqual([]);
  });

  it("are for participants only, and only into a study that recruits", async () => {
    const study = await bed.openStudy();
    expect(
      invitationInputSchema.safeParse({ email: "s@example.org", name: "S", role: "staff", studyId: study.id }).success,
    ).toBe(false);
    const draft = await createStudy(bed.db, bed.staff, bed.cfg.secretKey, studyInput());
    const err = await createInvitation(
      bed.db,
      bed.staff,
      invitationInputSchema.parse({ email: `d${Date.now()}@example.org`, name: "D", studyId: draft.id }),
      OPTS,
    ).catch((e) => e);
    expect(err.code).toBe("study_closed");
    expect(
      await code(
        inviteToStudy(
          bed.db,
          bed.staff,
          { email: "n@example.org", name: "N", role: "participant", studyId: newId("stu") },
          OPTS,
        ),
      ),
    ).toBe("study_not_found");
    const [{ n }] = await bed.db.select({ n: count() }).from(invitations).where(eq(invitations.studyId, draft.id));
    expect(n).toBe(0);
  });

  it("from a CSV: new emails get links, existing participants are enrolled, other roles and repeats are rejected", async () => {
    const study = await bed.openStudy();
    const existing = await insertAccount(bed.db, "existing");
    const staffer = await insertAccount(bed.db, "staffer", "staff");
    const fresh = `bulk.${Date.now()}${Math.random().toString(36).slice(2, 6)}@example.org`;
    const r = await createBulkInvitations(
      bed.db,
      bed.staff,
      `${fresh},Fresh\n${existing.email},Existing\n${staffer.email},Staffer\nx@example.org,X,support`,
      { ...OPTS, studyId: study.id },
    );
    expect(r.invited.map((i) => [i.line, i.email])).toEqual([[1, fresh]]);
    expect(r.enrolled.map((i) => [i.line, i.email])).toEqual([[2, existing.email]]);
    expect(r.rejected.map((i) => [i.line, i.reason])).toEqual([
      [3, expect.stringMatching(/cannot take part/)],
      [4, "Only participants are invited into a study."],
    ]);
    const again = await createBulkInvitations(bed.db, bed.staff, `${existing.email},Existing`, {
      ...OPTS,
      studyId: study.id,
    });
    expect(again.rejected[0].reason).toMatch(/already in this study/);
  });
});

describe("intake questions", () => {
  async function withQuestions() {
    const study = await bed.openStudy();
    await setIntakeQuestions(bed.db, bed.staff, study.id, [
      {
        kind: "number",
        label: { en: "Indoor temperature you aim for" },
        required: true,
        unit: "Cel",
        min: 10,
        max: 30,
      },
      {
        kind: "choice",
        label: { en: "Home" },
        required: true,
        choices: [
          { value: "flat", label: { en: "Flat" } },
          { value: "house", label: { en: "House" } },
        ],
      },
      { kind: "text", label: { en: "Notes" }, required: false, maxLength: 20 },
    ]);
    const [temp, home, notes] = await listIntakeQuestions(bed.db, study.id);
    return { study, temp, home, notes, p: await bed.participant(study) };
  }

  it("refuse an answer out of bounds or not among the choices, naming each problem, and write nothing", async () => {
    const { study, temp, home, notes, p } = await withQuestions();
    const err = await answerIntake(
      bed.db,
      p,
      study.id,
      intakeAnswersSchema.parse({ answers: { [temp.id]: 35, [home.id]: "castle", [notes.id]: "x".repeat(21) } }),
    ).catch((e) => e);
    expect([err.code, err.status]).toEqual(["invalid_request", 400]);
    expect(err.extra.errors).toEqual([
      { path: `answers.${temp.id}`, message: "must be at most 30 Cel" },
      { path: `answers.${home.id}`, message: "is not one of the choices" },
      { path: `answers.${notes.id}`, message: "must be at most 20 characters" },
    ]);
    // One good answer among bad ones is not written either.
    await answerIntake(bed.db, p, study.id, { answers: { [temp.id]: 20, [home.id]: "castle" } }).catch(() => {});
    const [{ n }] = await bed.db
      .select({ n: count() })
      .from(intakeAnswers)
      .where(eq(intakeAnswers.questionId, temp.id));
    expect(n).toBe(0);
    expect(await code(answerIntake(bed.db, p, study.id, { answers: { [temp.id]: "warm" } }))).toBe("invalid_request");
    expect(await code(answerIntake(bed.db, p, study.id, { answers: { [newId("itq")]: 1 } }))).toBe("invalid_request");
  });

  it("are answered once, editable until the study ends, and mark the onboarding step done", async () => {
    const { study, temp, home, notes, p } = await withQuestions();
    await setOnboardingSteps(bed.db, bed.staff, study.id, [
      { kind: "claim_device", model: "coreink-heat", guideUrl: "https://example.org/guide" },
      { kind: "intake" },
    ]);
    expect((await onboardingProgress(bed.db, p.id, study.id)).map((s) => s.done)).toEqual([false, false]);
    await answerIntake(bed.db, p, study.id, { answers: { [temp.id]: "19,5", [home.id]: "flat" } });
    await claimTestDevice(bed.database, bed.cfg, p);
    expect((await onboardingProgress(bed.db, p.id, study.id)).map((s) => s.done)).toEqual([true, true]);
    await answerIntake(bed.db, p, study.id, { answers: { [temp.id]: 21, [notes.id]: "north facing" } });
    expect((await myIntake(bed.db, p.id, study.id)).map((q) => q.answer)).toEqual(["21", "flat", "north facing"]);
    // Questions already answered no longer change.
    expect(await code(setIntakeQuestions(bed.db, bed.staff, study.id, []))).toBe("conflict");
    await changeStudyStatus(bed.db, bed.staff, study.id, "ended");
    expect(await code(answerIntake(bed.db, p, study.id, { answers: { [temp.id]: 22 } }))).toBe("study_closed");
    expect((await myIntake(bed.db, p.id, study.id))[0].answer).toBe("21");
  });

  it("in a study one is not in: study_not_found", async () => {
    const { study, temp } = await withQuestions();
    const stranger = await insertAccount(bed.db);
    expect(await code(answerIntake(bed.db, stranger, study.id, { answers: { [temp.id]: 20 } }))).toBe(
      "study_not_found",
    );
  });
});

describe("pseudonyms", () => {
  it("are p_ or d_ and 10 base32 characters, the same for the same id and key, different under another key", async () => {
    const a = await bed.openStudy();
    const b = await bed.openStudy();
    const [ra, rb] = await Promise.all(
      [a, b].map((s) => bed.db.execute(sql`select pseudonym_key_sealed as k from studies where id = ${s.id}`)),
    );
    const keyOf = (r: unknown, id: string) =>
      openStudyKey(bed.cfg.secretKey, id, ((r as { rows?: { k: string }[] }).rows ?? (r as { k: string }[]))[0].k);
    const pa = pseudonymizer(keyOf(ra, a.id));
    const pb = pseudonymizer(keyOf(rb, b.id));
    const user = newId("usr");
    expect(pa.participant(user)).toMatch(/^p_[A-Z2-7]{10}$/);
    expect(pa.device(newId("dev"))).toMatch(/^d_[A-Z2-7]{10}$/);
    expect(pa.participant(user)).toBe(pa.participant(user));
    expect(pb.participant(user)).not.toBe(pa.participant(user));
    expect(pa.participant(newId("usr"))).not.toBe(pa.participant(user));
    // The key is sealed to its study: another study's row cannot be opened as this one's.
    expect(() => keyOf(ra, b.id)).toThrow();
  });
});
