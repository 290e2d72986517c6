import { and, eq, gt, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../../audit/record";
import type { Db } from "../../db/client";
import { deviceCommands, firmwareRollouts, type FirmwareRollout } from "../../db/schema";
import { AppError } from "../../errors/app-error";
import { findFirmwareImage } from "../images";
import { rolloutProgress } from "./progress";

// Staff steering a rollout: pause, resume, abort. Each takes the rollout's row lock, so it waits
// for an engine tick in progress rather than racing it, and is audited in its transaction.

async function lockRollout(tx: Db, id: string): Promise<FirmwareRollout> {
  const [r] = await tx.select().from(firmwareRollouts).where(eq(firmwareRollouts.id, id)).for("update");
  if (!r) throw new AppError("not_found", "No such rollout.");
  return r;
}

const notNow = (r: FirmwareRollout, what: string) =>
  new AppError("status_transition_not_allowed", `This rollout is ${r.status}; it cannot be ${what}.`);

/** Pauses a running rollout: no further command is issued until it is resumed (commands already sent stay). */
export async function pauseRollout(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const r = await lockRollout(tx, id);
    if (r.status !== "running") throw notNow(r, "paused");
    const [out] = await tx
      .update(firmwareRollouts)
      .set({ status: "paused", pauseReason: "staff", updatedAt: new Date() })
      .where(eq(firmwareRollouts.id, id))
      .returning();
    await recordAudit(tx, actor, { action: "rollout.paused", outcome: "success", detail: { rolloutId: id, reason: "staff" } });
    return out;
  });
}

/**
 * Resumes a paused rollout. The current stage's failures so far are accepted: the threshold
 * counts only failures after this. Refuses when the image was yanked meanwhile (`conflict`).
 */
export async function resumeRollout(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const r = await lockRollout(tx, id);
    if (r.status !== "paused") throw notNow(r, "resumed");
    const image = await findFirmwareImage(tx, r.sha256);
    if (!image || image.yankedAt) throw new AppError("conflict", "The image was yanked; this rollout cannot resume. Abort it.");
    const [stage] = await rolloutProgress(tx, id, r.stages.length, new Date(), r.currentStage).then((s) =>
      s.filter((p) => p.stage === r.currentStage),
    );
    const [out] = await tx
      .update(firmwareRollouts)
      .set({ status: "running", pauseReason: null, failureBaseline: stage.failed, updatedAt: new Date() })
      .where(eq(firmwareRollouts.id, id))
      .returning();
    await recordAudit(tx, actor, {
      action: "rollout.resumed",
      outcome: "success",
      detail: { rolloutId: id, pausedFor: r.pauseReason, stage: r.currentStage, acceptedFailures: stage.failed },
    });
    return out;
  });
}

/**
 * Aborts a running or paused rollout for good: its commands no device has taken yet expire now,
 * so no device gets them any more (a device already downloading finishes and reports as usual).
 */
export async function abortRollout(db: Db, actor: Actor, id: string) {
  return db.transaction(async (tx) => {
    const r = await lockRollout(tx, id);
    if (r.status !== "running" && r.status !== "paused") throw notNow(r, "aborted");
    const now = new Date();
    const cancelled = await tx
      .update(deviceCommands)
      .set({ expiresAt: now, detail: "cancelled: rollout aborted" })
      .where(
        and(
          sql`${deviceCommands}.rollout_id = ${id}`,
          eq(deviceCommands.status, "pending"),
          gt(deviceCommands.expiresAt, now),
        ),
      )
      .returning({ id: deviceCommands.id });
    const [out] = await tx
      .update(firmwareRollouts)
      .set({ status: "aborted", pauseReason: null, endedAt: now, updatedAt: now })
      .where(eq(firmwareRollouts.id, id))
      .returning();
    await recordAudit(tx, actor, {
      action: "rollout.aborted",
      outcome: "success",
      detail: { rolloutId: id, stage: r.currentStage, cancelledCommands: cancelled.length },
    });
    return { rollout: out, cancelledCommands: cancelled.length };
  });
}
