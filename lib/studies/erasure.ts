import { and, asc, eq, inArray, isNull, or, sql } from "drizzle-orm";
import { recordAudit, SYSTEM_ACTOR } from "../audit/record";
import { rowsOf, type Db } from "../db/client";
import {
  claims,
  deviceCommands,
  deviceCredentials,
  deviceShares,
  devices,
  enrolments,
  erasures,
  intakeAnswers,
  legacyNodes,
  legacyRetiredHardwareIds,
  measurements,
  provisioningSessions,
  requestNonces,
  unlistedProperties,
  type Erasure,
} from "../db/schema";
import { notFound } from "../ids";

// Erasing a withdrawn participant's data in a study (or a deleted account's devices), in
// bounded batches. A year of readings at one a minute is half a million rows per property, so
// readings go ERASURE_BATCH_ROWS at a time, each batch its own short transaction: a crash (or a
// killed process) between batches loses nothing but time, and the job, still open, is resumed
// by the next `runErasure` / `resumeErasures` (housekeeping runs it). Researchers stop seeing
// the participant when the withdrawal commits, before the first batch (lib/studies/visible.ts).

export const ERASURE_BATCH_ROWS = 20_000;

/** The PostgreSQL text[] literal of ids (ours, prefixed base32: nothing to escape). */
const idArray = (ids: string[]) => `{${ids.join(",")}}`;

export type ErasureStep = { done: boolean; deleted: number; busy?: boolean };

/**
 * One batch of an erasure: deletes up to `batchRows` readings; when none are left, deletes
 * everything else in the same transaction (intake answers, credentials and their nonces,
 * commands, shares, claims and provisioning sessions that name the devices, the device records)
 * and marks the job and the enrolment erased, audited. A job another process is working on is
 * left alone (`busy`).
 */
export async function eraseBatch(db: Db, erasureId: string, batchRows = ERASURE_BATCH_ROWS): Promise<ErasureStep> {
  return db.transaction(async (tx) => {
    const [job] = rowsOf<{ id: string }>(
      await tx.execute(sql`select id from erasures where id = ${erasureId} for update skip locked`),
    );
    if (!job) {
      const [exists] = await tx.select({ id: erasures.id }).from(erasures).where(eq(erasures.id, erasureId));
      if (!exists) throw notFound("ers");
      return { done: false, deleted: 0, busy: true };
    }
    const [e] = await tx.select().from(erasures).where(eq(erasures.id, erasureId));
    if (e.completedAt) return { done: true, deleted: 0 };
    const ids = e.deviceIds;
    let deleted = 0;
    if (ids.length) {
      const [{ n }] = rowsOf<{ n: number | string }>(
        await tx.execute(sql`
          with gone as (
            delete from measurements where ctid = any(array(
              select ctid from measurements where device_id = any(${idArray(ids)}::text[]) limit ${batchRows}))
            returning 1)
          select count(*) as n from gone`),
      );
      deleted = Number(n);
    }
    if (deleted >= batchRows) {
      await tx
        .update(erasures)
        .set({ readingsDeleted: sql`${erasures.readingsDeleted} + ${deleted}`, batches: sql`${erasures.batches} + 1` })
        .where(eq(erasures.id, erasureId));
      return { done: false, deleted };
    }
    const removed = await deleteRecords(tx, e);
    const now = new Date();
    const [finished] = await tx
      .update(erasures)
      .set({
        readingsDeleted: sql`${erasures.readingsDeleted} + ${deleted}`,
        batches: sql`${erasures.batches} + 1`,
        completedAt: now,
      })
      .where(eq(erasures.id, erasureId))
      .returning();
    if (e.enrolmentId) await tx.update(enrolments).set({ erasedAt: now }).where(eq(enrolments.id, e.enrolmentId));
    await recordAudit(tx, SYSTEM_ACTOR, {
      action: "study.erasure_completed",
      outcome: "success",
      subjectUserId: e.userId,
      detail: {
        erasureId,
        studyId: e.studyId,
        reason: e.reason,
        readings: finished.readingsDeleted,
        batches: finished.batches,
        ...removed,
      },
    });
    return { done: true, deleted };
  });
}

/** Everything but the readings, once the readings are gone. Returns what it deleted. */
async function deleteRecords(tx: Db, e: Erasure) {
  const ids = e.deviceIds;
  let answers = 0;
  if (e.enrolmentId)
    answers = (
      await tx
        .delete(intakeAnswers)
        .where(eq(intakeAnswers.enrolmentId, e.enrolmentId))
        .returning({ q: intakeAnswers.questionId })
    ).length;
  // The participant's claims for the study, whether or not they bound a device.
  if (e.studyId) await tx.delete(claims).where(and(eq(claims.userId, e.userId), eq(claims.studyId, e.studyId)));
  if (ids.length === 0) return { intakeAnswers: answers, devices: 0 };
  const credentialIds = tx
    .select({ id: deviceCredentials.id })
    .from(deviceCredentials)
    .where(inArray(deviceCredentials.deviceId, ids));
  await tx.delete(requestNonces).where(inArray(requestNonces.credentialId, credentialIds));
  await tx.delete(deviceCredentials).where(inArray(deviceCredentials.deviceId, ids));
  await tx.delete(deviceCommands).where(inArray(deviceCommands.deviceId, ids));
  await tx.delete(deviceShares).where(inArray(deviceShares.deviceId, ids));
  const sessionWhere = or(
    inArray(provisioningSessions.boundDeviceId, ids),
    sql`${provisioningSessions.result}->>'deviceId' = any(${idArray(ids)}::text[])`,
  );
  const sids = tx.select({ sid: provisioningSessions.sid }).from(provisioningSessions).where(sessionWhere);
  await tx
    .delete(claims)
    .where(or(inArray(claims.deviceId, ids), inArray(claims.replacesDeviceId, ids), inArray(claims.sid, sids)));
  await tx.delete(provisioningSessions).where(sessionWhere);
  const nodeWhere = or(inArray(legacyNodes.deviceId, ids), inArray(legacyNodes.upgradedDeviceId, ids));
  // A replaced board's hardware id goes with its node: nothing of the participant's stays.
  await tx
    .delete(legacyRetiredHardwareIds)
    .where(
      inArray(legacyRetiredHardwareIds.nodeId, tx.select({ id: legacyNodes.id }).from(legacyNodes).where(nodeWhere)),
    );
  await tx.delete(legacyNodes).where(nodeWhere);
  await tx.update(unlistedProperties).set({ lastDeviceId: null }).where(inArray(unlistedProperties.lastDeviceId, ids));
  // Readings that arrived after the last batch (none should: the credentials were revoked).
  await tx.delete(measurements).where(inArray(measurements.deviceId, ids));
  const gone = await tx.delete(devices).where(inArray(devices.id, ids)).returning({ id: devices.id });
  return { intakeAnswers: answers, devices: gone.length };
}

/** Runs an erasure's batches until it is done (or another process holds it). */
export async function runErasure(db: Db, erasureId: string, batchRows = ERASURE_BATCH_ROWS): Promise<ErasureStep> {
  let total = 0;
  for (;;) {
    const step = await eraseBatch(db, erasureId, batchRows);
    total += step.deleted;
    if (step.done || step.busy) return { ...step, deleted: total };
    // Let requests that arrived meanwhile queue their queries before the next batch: on the
    // embedded database every statement shares one connection.
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every unfinished erasure, oldest first, run to the end (housekeeping and start-up). Returns how many finished. */
export async function resumeErasures(db: Db, batchRows = ERASURE_BATCH_ROWS): Promise<number> {
  const open = await db
    .select({ id: erasures.id })
    .from(erasures)
    .where(isNull(erasures.completedAt))
    .orderBy(asc(erasures.requestedAt));
  let finished = 0;
  for (const { id } of open) if ((await runErasure(db, id, batchRows)).done) finished++;
  return finished;
}

export type ErasureStatus = {
  id: string;
  reason: "withdrawal" | "account_deleted";
  requestedAt: Date;
  readingsDeleted: number;
  completedAt: Date | null;
};

/**
 * Where an erasure stands ("reporting when it is done"). With `ownerId` (a participant asking),
 * another person's erasure is `not_found` like one that does not exist.
 */
export async function erasureStatus(db: Db, erasureId: string, ownerId?: string): Promise<ErasureStatus> {
  const [e] = await db.select().from(erasures).where(eq(erasures.id, erasureId));
  if (!e || (ownerId !== undefined && e.userId !== ownerId)) throw notFound("ers");
  return {
    id: e.id,
    reason: e.reason,
    requestedAt: e.requestedAt,
    readingsDeleted: e.readingsDeleted,
    completedAt: e.completedAt,
  };
}
