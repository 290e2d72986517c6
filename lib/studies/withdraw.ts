import { and, eq, inArray, isNull } from "drizzle-orm";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { countReadings } from "../devices/measurements";
import { deviceShares, devices, enrolments, erasures, intakeAnswers, studies, type Enrolment } from "../db/schema";
import { revokeDeviceCredentials } from "../devices/credentials";
import { AppError } from "../errors/app-error";
import { newId, notFound } from "../ids";
import { enqueueWebhookEvent } from "../webhooks/events";
import { activeEnrolment } from "./consent";
import { toStudyView } from "./studies";

// Withdrawal from a study (docs/studies.md "Withdrawal"): in one transaction every credential
// of the participant's devices in the study is revoked (their next request gets
// `credential_revoked`), their shares end, the devices are released and the withdrawal is
// recorded. A claim for the study still waiting for its device binds nothing afterwards
// (lib/provisioning/claim-study.ts: the device's answer reads the enrolment under a lock). Under `erase` an erasure job is queued in the same
// transaction (lib/studies/erasure.ts deletes the data in batches); from the commit on,
// researchers never see the participant again. Under `retain` the data stays, pseudonymous,
// marked withdrawn from that moment; nothing new is accepted.

export type WithdrawalPreview = {
  studyId: string;
  dataPolicy: "erase" | "retain";
  devices: { id: string; name: string; model: string }[];
  readings: number;
  intakeAnswers: boolean;
};

/** What withdrawing would do, for the confirmation screen (`study_not_found` for a study one is not in). */
export async function previewWithdrawal(db: Db, userId: string, studyId: string): Promise<WithdrawalPreview> {
  const e = await activeEnrolment(db, studyId, userId);
  const [study] = await db.select().from(studies).where(eq(studies.id, studyId));
  const owned = await db
    .select({ id: devices.id, name: devices.name, model: devices.model })
    .from(devices)
    .where(and(eq(devices.studyId, studyId), eq(devices.ownerId, userId)));
  const n = await countReadings(
    db,
    owned.map((d) => d.id),
  );
  const [answer] = await db
    .select({ q: intakeAnswers.questionId })
    .from(intakeAnswers)
    .where(eq(intakeAnswers.enrolmentId, e.id))
    .limit(1);
  return {
    studyId,
    dataPolicy: toStudyView(study).dataPolicy,
    devices: owned,
    readings: Number(n),
    intakeAnswers: !!answer,
  };
}

export type WithdrawalResult = {
  studyId: string;
  withdrawnAt: Date;
  dataPolicy: "erase" | "retain";
  devices: number;
  revokedCredentials: number;
  endedShares: number;
  /** Under `erase`: the job deleting the data (lib/studies/erasure.ts); null under `retain`. */
  erasureId: string | null;
};

/**
 * Withdraws the locked, active enrolment `e` inside the caller's transaction (see the module's
 * comment). `reason` is the staff's reason when they act on request, or "account_deleted".
 */
export async function withdrawEnrolment(
  tx: Db,
  actor: Actor,
  e: Enrolment & { userId: string },
  opts: { reason?: string; erasureReason?: "withdrawal" | "account_deleted" } = {},
): Promise<WithdrawalResult> {
  const [study] = await tx.select().from(studies).where(eq(studies.id, e.studyId));
  const now = new Date();
  const owned = await tx
    .select({ id: devices.id, releasedAt: devices.releasedAt })
    .from(devices)
    .where(and(eq(devices.studyId, e.studyId), eq(devices.ownerId, e.userId)))
    .for("update");
  const ids = owned.map((d) => d.id);
  let revokedCredentials = 0;
  for (const id of ids) revokedCredentials += (await revokeDeviceCredentials(tx, actor, id, "withdrawn")).length;
  let endedShares = 0;
  if (ids.length) {
    endedShares = (
      await tx
        .update(deviceShares)
        .set({ endedAt: now, endedReason: "withdrawn" })
        .where(and(inArray(deviceShares.deviceId, ids), isNull(deviceShares.endedAt)))
        .returning({ id: deviceShares.id })
    ).length;
    await tx
      .update(devices)
      .set({ releasedAt: now })
      .where(and(inArray(devices.id, ids), isNull(devices.releasedAt)));
  }
  await tx
    .update(enrolments)
    .set({ withdrawnAt: now, withdrawalPolicy: study.dataPolicy })
    .where(eq(enrolments.id, e.id));
  let erasureId: string | null = null;
  if (study.dataPolicy === "erase") {
    erasureId = newId("ers");
    await tx.insert(erasures).values({
      id: erasureId,
      studyId: e.studyId,
      userId: e.userId,
      enrolmentId: e.id,
      reason: opts.erasureReason ?? "withdrawal",
      deviceIds: ids,
      requestedAt: now,
      requestedBy: actor.id,
    });
  }
  const result: WithdrawalResult = {
    studyId: e.studyId,
    withdrawnAt: now,
    dataPolicy: study.dataPolicy,
    devices: ids.length,
    revokedCredentials,
    endedShares,
    erasureId,
  };
  await enqueueWebhookEvent(tx, "participant.withdrawn", {
    studyId: e.studyId,
    userId: e.userId,
    deviceIds: ids,
    dataPolicy: study.dataPolicy,
  });
  await recordAudit(tx, actor, {
    action: "study.withdrawn",
    outcome: "success",
    subjectUserId: e.userId,
    detail: {
      studyId: e.studyId,
      dataPolicy: study.dataPolicy,
      devices: ids,
      revokedCredentials,
      endedShares,
      erasureId,
      ...(opts.reason ? { reason: opts.reason } : {}),
    },
  });
  return result;
}

/**
 * A participant withdraws from a study (or staff withdraw them on request, with `reason`).
 * `study_not_found`, changing nothing, for a study they are not in or already left. Run the
 * returned erasure (lib/studies/erasure.ts `runErasure`) after it returns; housekeeping resumes
 * any that did not finish.
 */
export async function withdrawFromStudy(
  db: Db,
  actor: Actor,
  studyId: string,
  userId: string,
  opts: { reason?: string } = {},
): Promise<WithdrawalResult> {
  if (actor.id !== userId && !opts.reason)
    throw new AppError("invalid_request", "Say why you withdraw someone else (their request).");
  try {
    return await db.transaction(async (tx) => {
      const [e] = await tx
        .select()
        .from(enrolments)
        .where(and(eq(enrolments.studyId, studyId), eq(enrolments.userId, userId), isNull(enrolments.withdrawnAt)))
        .for("update");
      if (!e) throw notFound("stu");
      return withdrawEnrolment(tx, actor, { ...e, userId }, opts);
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      await recordRefusal(db, actor, {
        action: "study.withdrawal_refused",
        code: err.code,
        subjectUserId: userId,
        detail: { studyId },
      });
    throw err;
  }
}
