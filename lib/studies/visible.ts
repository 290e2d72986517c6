import { and, asc, eq, isNotNull, isNull, ne, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { devices, enrolments, type Device, type Enrolment } from "../db/schema";

// What of a study researchers (and the dashboard) see: participants who consented at least
// once, and their devices in the study, except a participant who withdrew under `erase`. They
// disappear in the transaction that records the withdrawal, so an erasure in progress (or
// interrupted) is never seen half done.

const visibleEnrolment = (studyId: string) =>
  and(
    eq(enrolments.studyId, studyId),
    isNotNull(enrolments.userId),
    isNotNull(enrolments.consentVersionId),
    or(isNull(enrolments.withdrawalPolicy), ne(enrolments.withdrawalPolicy, "erase")),
  );

/** The study's visible participants, by enrolment order. */
export async function visibleEnrolments(db: Db, studyId: string): Promise<(Enrolment & { userId: string })[]> {
  const rows = await db
    .select()
    .from(enrolments)
    .where(visibleEnrolment(studyId))
    .orderBy(asc(enrolments.invitedAt), asc(enrolments.id));
  return rows as (Enrolment & { userId: string })[];
}

/** The visible participants' devices in the study, each with its enrolment's withdrawal time. */
export async function visibleDevices(db: Db, studyId: string): Promise<(Device & { withdrawnAt: Date | null })[]> {
  const rows = await db
    .select({ d: devices, withdrawnAt: enrolments.withdrawnAt })
    .from(devices)
    .innerJoin(enrolments, and(eq(enrolments.studyId, devices.studyId), eq(enrolments.userId, devices.ownerId)))
    .where(and(eq(devices.studyId, studyId), visibleEnrolment(studyId)))
    .orderBy(asc(devices.createdAt), asc(devices.id));
  return rows.map((r) => ({ ...r.d, withdrawnAt: r.withdrawnAt }));
}
