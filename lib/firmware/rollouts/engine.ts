import { and, eq, inArray, isNull, sql } from "drizzle-orm";
import { recordAudit, SYSTEM_ACTOR } from "../../audit/record";
import { rowsOf, type Db } from "../../db/client";
import { devices, firmwareRolloutDevices, firmwareRollouts, type FirmwareRollout } from "../../db/schema";
import { AppError } from "../../errors/app-error";
import { logInternalError } from "../../errors/problem";
import { findFirmwareImage } from "../images";
import { issueFirmwareUpdate } from "../update-command";
import { eligibleDevice } from "./eligible";
import { rolloutProgress } from "./progress";
import { failuresReachThreshold } from "./stages";

// The rollout engine: run from housekeeping's schedule in every app process (lib/housekeeping/
// schedule.ts). Each rollout advances in its own transaction holding its row with FOR UPDATE
// SKIP LOCKED, so two processes never advance the same rollout at once, and a member's command
// is issued only while its `command_id` is null under that lock: never twice. Everything it
// needs is in the database, so a restart resumes where it stopped.

export type RolloutTick = { id: string; outcome: "skipped" | "unchanged" | "advanced" | "paused" | "completed" };

/** Advances every running rollout once. Returns what happened to each. */
export async function advanceRollouts(db: Db, now = new Date()): Promise<RolloutTick[]> {
  const running = await db
    .select({ id: firmwareRollouts.id })
    .from(firmwareRollouts)
    .where(eq(firmwareRollouts.status, "running"))
    .orderBy(firmwareRollouts.createdAt);
  const out: RolloutTick[] = [];
  for (const { id } of running) {
    try {
      out.push({ id, outcome: await advanceRollout(db, id, now) });
    } catch (err) {
      // One rollout's fault must not stop the others; it is tried again on the next tick.
      logInternalError("rollout engine", err);
    }
  }
  return out;
}

/**
 * Advances one rollout as far as it can go now: issues its current stage, pauses it when the
 * stage's failures reach the threshold or its image was yanked, and moves to the next stage (or
 * completes) once every command of the stage is settled and the stage's soak time has passed.
 */
export async function advanceRollout(db: Db, rolloutId: string, now = new Date()): Promise<RolloutTick["outcome"]> {
  let outcome: RolloutTick["outcome"] = "unchanged";
  for (;;) {
    const step = await advanceStep(db, rolloutId, now);
    if (step === "more") outcome = "advanced";
    else if (step === "unchanged" || (step === "skipped" && outcome === "advanced")) return outcome;
    else return step;
  }
}

/**
 * How many commands one transaction issues. issueFirmwareUpdate locks each device's row until
 * the transaction ends, and a device's own signed requests write that row, so a stage is sent in
 * short transactions rather than one that holds hundreds of devices waiting.
 */
export const ISSUE_BATCH = 25;

/** One transaction of advancing: a batch of the stage sent, a stage moved on, or nothing to do. */
async function advanceStep(db: Db, rolloutId: string, now: Date): Promise<RolloutTick["outcome"] | "more"> {
  return db.transaction(async (tx) => {
    const [locked] = rowsOf<{ id: string }>(
      await tx.execute(
        sql`select id from firmware_rollouts where id = ${rolloutId} and status = 'running' for update skip locked`,
      ),
    );
    if (!locked) return "skipped";
    const [r] = await tx.select().from(firmwareRollouts).where(eq(firmwareRollouts.id, rolloutId));
    const image = await findFirmwareImage(tx, r.sha256);
    if (!image || image.yankedAt) {
      await pause(tx, r, "image_yanked", now, { sha256: r.sha256 });
      return "paused";
    }
    if (!r.stageStartedAt || (await unsent(tx, r, 1)).length > 0) {
        await sendBatch(tx, r, now);
        return "more";
      }
      const [stage] = await rolloutProgress(tx, r.id, r.stages.length, now, r.currentStage).then((s) =>
        s.filter((p) => p.stage === r.currentStage),
      );
      const threshold = { percent: r.failurePercent, count: r.failureCount };
      if (failuresReachThreshold({ failed: stage.failed, stageSize: stage.devices, baseline: r.failureBaseline }, threshold)) {
        await pause(tx, r, "failure_threshold", now, {
          stage: r.currentStage,
          failed: stage.failed,
          failedByCode: stage.failedByCode,
          stageDevices: stage.devices,
          threshold,
        });
        return "paused";
      }
      const soakEnds = r.stageStartedAt!.getTime() + r.stages[r.currentStage].soakSeconds * 1000;
      if (stage.open > 0 || now.getTime() < soakEnds) return "unchanged";
      const last = r.currentStage === r.stages.length - 1;
      await recordAudit(tx, SYSTEM_ACTOR, {
        action: "rollout.stage_completed",
        outcome: "success",
        detail: { rolloutId: r.id, stage: r.currentStage, done: stage.done, failed: stage.failed, expired: stage.expired },
      });
      if (last) {
        await tx
          .update(firmwareRollouts)
          .set({ status: "completed", endedAt: now, updatedAt: now })
          .where(eq(firmwareRollouts.id, r.id));
        await recordAudit(tx, SYSTEM_ACTOR, {
          action: "rollout.completed",
          outcome: "success",
          detail: { rolloutId: r.id, model: r.model, version: r.version },
        });
        return "completed";
      }
      await tx
        .update(firmwareRollouts)
        .set({ currentStage: r.currentStage + 1, stageStartedAt: null, failureBaseline: 0, updatedAt: now })
        .where(eq(firmwareRollouts.id, r.id));
      return "more";
  });
}

/** Members of the current stage not yet sent (nor skipped), at most `limit`. */
function unsent(tx: Db, r: FirmwareRollout, limit: number) {
  return tx
    .select({ deviceId: firmwareRolloutDevices.deviceId })
    .from(firmwareRolloutDevices)
    .where(
      and(
        eq(firmwareRolloutDevices.rolloutId, r.id),
        eq(firmwareRolloutDevices.stage, r.currentStage),
        isNull(firmwareRolloutDevices.commandId),
        isNull(firmwareRolloutDevices.skippedReason),
      ),
    )
    .limit(limit);
}

/**
 * Issues the next ISSUE_BATCH commands of the current stage (each in a savepoint: one refusal
 * skips that device only). The stage counts as started, and is audited, with its first batch.
 */
async function sendBatch(tx: Db, r: FirmwareRollout, now: Date): Promise<void> {
  const ids = (await unsent(tx, r, ISSUE_BATCH)).map((m) => m.deviceId);
  const eligible = new Set(
    ids.length === 0
      ? []
      : (
          await tx
            .select({ id: devices.id })
            .from(devices)
            .where(and(inArray(devices.id, ids), eligibleDevice(r.model)))
        ).map((d) => d.id),
  );
  const expiresAt = new Date(now.getTime() + r.commandTtlSeconds * 1000);
  for (const deviceId of ids) {
    let commandId: string | null = null;
    let reason: string | null = eligible.has(deviceId) ? null : "not_active";
    if (!reason) {
      try {
        ({ commandId } = await tx.transaction((sp) =>
          issueFirmwareUpdate(sp, { deviceId, sha256: r.sha256, expiresAt, issuedBy: r.createdBy, rolloutId: r.id }),
        ));
      } catch (err) {
        if (!(err instanceof AppError)) throw err;
        reason = err.code;
      }
    }
    await tx
      .update(firmwareRolloutDevices)
      .set(commandId ? { commandId, issuedAt: now } : { skippedReason: reason })
      .where(and(eq(firmwareRolloutDevices.rolloutId, r.id), eq(firmwareRolloutDevices.deviceId, deviceId)));
  }
  if (r.stageStartedAt) return;
  const [{ n }] = rowsOf<{ n: number | string }>(
    await tx.execute(
      sql`select count(*) as n from firmware_rollout_devices where rollout_id = ${r.id} and stage = ${r.currentStage}`,
    ),
  );
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: "rollout.stage_started",
    outcome: "success",
    detail: { rolloutId: r.id, stage: r.currentStage, percent: r.stages[r.currentStage].percent, devices: Number(n) },
  });
  await tx.update(firmwareRollouts).set({ stageStartedAt: now, updatedAt: now }).where(eq(firmwareRollouts.id, r.id));
}

async function pause(tx: Db, r: FirmwareRollout, reason: "failure_threshold" | "image_yanked", now: Date, detail: object) {
  await tx
    .update(firmwareRollouts)
    .set({ status: "paused", pauseReason: reason, updatedAt: now })
    .where(eq(firmwareRollouts.id, r.id));
  // A failure: it is what staff must look at (the console lists it too).
  await recordAudit(tx, SYSTEM_ACTOR, {
    action: "rollout.paused",
    outcome: "failure",
    detail: { rolloutId: r.id, reason, ...detail },
  });
}
