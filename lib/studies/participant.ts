import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { erasures, studies } from "../db/schema";
import { currentConsentVersion, markConsentShown } from "./consent-versions";
import { myStudies, type MyStudy } from "./consent";
import { myIntake } from "./intake";
import { onboardingProgress, type OnboardingProgress } from "./onboarding";
import { OPEN_STATUSES, studyHasEnded } from "./studies";
import type { ErasureStatus } from "./erasure";

// What a participant's own pages read: their studies with progress, the study an invitation
// names, and their erasures. Only their own data; another study answers `study_not_found`.

export type MyStudyOverview = MyStudy & {
  description: { nl?: string; en?: string };
  endsOn: string;
  /** Answers may still change (until the study ends). */
  answersOpen: boolean;
  onboarding: OnboardingProgress;
  intake: Awaited<ReturnType<typeof myIntake>>;
  /** Under `erase`, the erasure of their data in this study once they withdrew. */
  erasure: ErasureStatus | null;
};

/** Every study the account is or was in, with its checklist, intake and erasure (for /devices and /account). */
export async function myStudyOverview(db: Db, userId: string): Promise<MyStudyOverview[]> {
  const [mine, ers] = await Promise.all([myStudies(db, userId), myErasures(db, userId)]);
  const out: MyStudyOverview[] = [];
  for (const s of mine) {
    const [row] = await db.select().from(studies).where(eq(studies.id, s.studyId));
    const active = !s.withdrawnAt;
    out.push({
      ...s,
      description: row.description,
      endsOn: row.endsOn,
      answersOpen: active && !studyHasEnded(row),
      onboarding: active ? await onboardingProgress(db, userId, s.studyId) : [],
      intake: active ? await myIntake(db, userId, s.studyId) : [],
      erasure: ers.find((e) => e.studyId === s.studyId) ?? null,
    });
  }
  return out;
}

/** The account's erasures, newest first (withdrawals under `erase`, and a deleted account's devices). */
export async function myErasures(db: Db, userId: string): Promise<(ErasureStatus & { studyId: string | null })[]> {
  const rows = await db.select().from(erasures).where(eq(erasures.userId, userId)).orderBy(desc(erasures.requestedAt));
  return rows.map((e) => ({
    id: e.id,
    studyId: e.studyId,
    reason: e.reason,
    requestedAt: e.requestedAt,
    readingsDeleted: e.readingsDeleted,
    completedAt: e.completedAt,
  }));
}

export type InvitationStudy = {
  id: string;
  name: { nl?: string; en?: string };
  description: { nl?: string; en?: string };
  infoUrl: string | null;
  contactEmail: string;
  dataPolicy: "erase" | "retain";
  consent: { id: string; version: number; text: { nl?: string; en?: string } };
};

/**
 * The study an invitation names, as its invitee reads it before creating the account: the
 * description and the current consent text, which is marked shown (it never changes from now
 * on: the invitee may tick consent to exactly this version). Null when the study is not open.
 */
export async function invitationStudy(db: Db, studyId: string): Promise<InvitationStudy | null> {
  const [s] = await db.select().from(studies).where(eq(studies.id, studyId));
  if (!s || !OPEN_STATUSES.includes(s.status)) return null;
  const current = await currentConsentVersion(db, studyId);
  if (!current) return null;
  await markConsentShown(db, current.id);
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    infoUrl: s.infoUrl,
    contactEmail: s.contactEmail,
    dataPolicy: s.dataPolicy,
    consent: { id: current.id, version: current.version, text: current.text },
  };
}
