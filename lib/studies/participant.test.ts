import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { consentVersions } from "../db/schema";
import { changeStudyStatus } from "./studies";
import { myErasures, myStudyOverview, invitationStudy } from "./participant";
import { setIntakeQuestions } from "./intake";
import { setOnboardingSteps } from "./onboarding";
import { intakeQuestionSchema } from "./schemas";
import { withdrawFromStudy } from "./withdraw";
import { claimTestDevice, studyTestBed } from "./test-fixtures";

const bed = studyTestBed();

describe("a participant's own view of their studies", () => {
  it("lists each study with its checklist, intake and, after a withdrawal under erase, the erasure", async () => {
    const study = await bed.openStudy({ models: ["coreink-heat"] });
    await setIntakeQuestions(bed.db, bed.staff, study.id, [
      intakeQuestionSchema.parse({ kind: "number", label: { en: "Area" }, unit: "m2", min: 10, max: 500 }),
    ]);
    await setOnboardingSteps(bed.db, bed.staff, study.id, [
      { kind: "claim_device", model: "coreink-heat", guideUrl: null },
      { kind: "intake" },
    ]);
    const p = await bed.participant(study);
    const [before] = await myStudyOverview(bed.db, p.id);
    expect(before).toMatchObject({ studyId: study.id, state: "consented", answersOpen: true, erasure: null });
    expect(before.onboarding.map((s) => [s.kind, s.done])).toEqual([
      ["claim_device", false],
      ["intake", false],
    ]);
    expect(before.intake.map((q) => q.answer)).toEqual([null]);

    await claimTestDevice(bed.database, bed.cfg, p, "coreink-heat");
    expect((await myStudyOverview(bed.db, p.id))[0].onboarding[0].done).toBe(true);

    const w = await withdrawFromStudy(bed.db, p, study.id, p.id);
    const [after] = await myStudyOverview(bed.db, p.id);
    expect(after).toMatchObject({ state: "withdrawn", answersOpen: false, onboarding: [], intake: [] });
    expect(after.erasure?.id).toBe(w.erasureId);
    expect((await myErasures(bed.db, p.id)).map((e) => e.studyId)).toEqual([study.id]);
  });

  it("shows an invitee the current consent text, marked shown, and nothing for a study that is not open", async () => {
    const study = await bed.openStudy();
    const shown = await invitationStudy(bed.db, study.id);
    expect(shown?.consent.id).toBe(study.consentVersionId);
    const [v] = await bed.db.select().from(consentVersions).where(eq(consentVersions.id, study.consentVersionId));
    expect(v.firstShownAt).not.toBeNull();
    await changeStudyStatus(bed.db, bed.staff, study.id, "ended");
    expect(await invitationStudy(bed.db, study.id)).toBeNull();
  });
});
