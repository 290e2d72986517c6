import { and, eq } from "drizzle-orm";
import { createInvitation, type PendingInvitation } from "../accounts/invitations";
import type { InvitationInput } from "../accounts/schemas";
import { findUserByEmail } from "../accounts/users";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { enrolments } from "../db/schema";
import { AppError } from "../errors/app-error";
import { newId } from "../ids";
import { requireOpenStudy } from "./studies";

// Inviting people into a study. Someone without an account gets an invitation link that names
// the study (lib/accounts/invitations.ts); a participant who already has an account is enrolled
// as invited at once and sees the study's consent at their next sign-in.

export type StudyInvitationResult =
  | { kind: "invited"; invitation: PendingInvitation; link: string }
  | { kind: "enrolled"; enrolmentId: string; userId: string };

/**
 * Invites `data.email` into study `data.studyId`: a new invitation link when the email has no
 * account, else the account is enrolled directly (participants only: `conflict` for another
 * role or an account already in the study, withdrawn or not). Audited.
 */
export async function inviteToStudy(
  db: Db,
  actor: Actor,
  data: InvitationInput & { studyId: string },
  opts: { days: number; publicUrl: string },
): Promise<StudyInvitationResult> {
  const user = await findUserByEmail(db, data.email);
  if (!user) return { kind: "invited", ...(await createInvitation(db, actor, data, opts)) };
  if (user.role !== "participant" || user.deletedAt)
    throw new AppError("conflict", `${data.email} has an account that cannot take part in studies.`);
  return db.transaction(async (tx) => {
    await requireOpenStudy(tx, data.studyId);
    const [existing] = await tx
      .select({ id: enrolments.id })
      .from(enrolments)
      .where(and(eq(enrolments.studyId, data.studyId), eq(enrolments.userId, user.id)));
    if (existing) throw new AppError("conflict", `${data.email} is already in this study (or withdrew from it).`);
    const id = newId("enr");
    await tx.insert(enrolments).values({ id, studyId: data.studyId, userId: user.id });
    await recordAudit(tx, actor, {
      action: "study.enrolled",
      outcome: "success",
      subjectUserId: user.id,
      subjectLabel: user.email,
      detail: { studyId: data.studyId, enrolmentId: id },
    });
    return { kind: "enrolled" as const, enrolmentId: id, userId: user.id };
  });
}
