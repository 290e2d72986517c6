import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { countReadings } from "../devices/measurements";
import { devices, users } from "../db/schema";
import { notFound } from "../ids";
import { myStudies, type MyStudy } from "../studies/consent";
import type { ErasureStatus } from "../studies/erasure";
import { myErasures } from "../studies/participant";
import { previewWithdrawal, type WithdrawalPreview } from "../studies/withdraw";
import { toPublicUser, type PublicUser } from "./users";

// One account as staff see it before acting on its holder's request (docs/studies.md
// "Withdrawal", "Deleting an account"): its studies with what a withdrawal would do in each, and
// what deleting the account would do. Read only; the actions are withdrawFromStudy and
// deleteAccount.

export type StaffAccountStudy = MyStudy & {
  /** What withdrawing would do now; null once they withdrew. */
  withdrawal: WithdrawalPreview | null;
  /** Under `erase`, the erasure of their data in the study once they withdrew. */
  erasure: ErasureStatus | null;
};

export type AccountOverview = {
  account: PublicUser & { deletedAt: Date | null };
  studies: StaffAccountStudy[];
  /** What deleting the account would erase besides the studies: their devices outside any study. */
  deletion: { devicesOutsideStudies: number; readingsOutsideStudies: number };
};

/** The account `userId` for its staff page; `not_found` for an unknown account. */
export async function accountOverview(db: Db, userId: string): Promise<AccountOverview> {
  const [user] = await db.select().from(users).where(eq(users.id, userId));
  if (!user) throw notFound("usr");
  const [enrolled, erasures] = await Promise.all([myStudies(db, userId), myErasures(db, userId)]);
  const studies: StaffAccountStudy[] = [];
  for (const s of enrolled)
    studies.push({
      ...s,
      withdrawal: s.withdrawnAt ? null : await previewWithdrawal(db, userId, s.studyId),
      erasure: erasures.find((e) => e.studyId === s.studyId) ?? null,
    });
  const outside = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.ownerId, userId), isNull(devices.studyId)));
  const n = await countReadings(
    db,
    outside.map((d) => d.id),
  );
  return {
    account: { ...toPublicUser(user), deletedAt: user.deletedAt },
    studies,
    deletion: { devicesOutsideStudies: outside.length, readingsOutsideStudies: Number(n) },
  };
}
