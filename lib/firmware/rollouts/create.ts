import { and, eq, inArray, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../../audit/record";
import type { Db } from "../../db/client";
import { devices, firmwareRolloutDevices, firmwareRollouts, users } from "../../db/schema";
import { selectFleetIds } from "../../devices/fleet-query";
import { MAX_BULK_DEVICES } from "../../devices/bulk";
import { AppError } from "../../errors/app-error";
import { isUniqueViolation } from "../../errors/validate";
import { newId } from "../../ids";
import { requireUsableImage } from "../images";
import { eligibleDevice } from "./eligible";
import type { CreateRolloutInput, RolloutTarget } from "./schemas";
import { assignStages } from "./stages";

/**
 * Creates a running rollout of an image: resolves its target to the active devices of the
 * image's model (devices of another model or not active are left out and counted), puts each in
 * its stage and audits it, in one transaction. The engine issues the first stage on its next
 * tick. Refuses an unknown image (`firmware_not_found`), a yanked one (`firmware_yanked`), another unfinished
 * rollout of the model (`conflict`), a selection that changed since it was confirmed
 * (`conflict`) and a target with no device that can take the update (`invalid_request`).
 */
export async function createRollout(db: Db, actor: Actor, input: CreateRolloutInput) {
  try {
    return await db.transaction(async (tx) => {
      // Locked (FOR SHARE) until this transaction ends: a yank waits, and cannot slip in between.
      const image = await requireUsableImage(tx, input.sha256);
      const { requested, ids } = await resolveTarget(tx, image.model, input.target);
      if (ids.length === 0)
        throw new AppError("invalid_request", `No active device of model ${image.model} is in this target.`);
      const id = newId("rol");
      const now = new Date();
      const [rollout] = await tx
        .insert(firmwareRollouts)
        .values({
          id,
          sha256: image.sha256,
          model: image.model,
          version: image.version,
          targetKind: input.target.kind === "model" ? "model" : "devices",
          targetStudyId: input.target.kind === "model" ? (input.target.studyId ?? null) : null,
          targetFirmware: input.target.kind === "model" ? (input.target.firmware ?? null) : null,
          excludedCount: requested - ids.length,
          stages: input.stages.map((s) => ({ percent: s.percent, soakSeconds: s.soakMinutes * 60 })),
          failurePercent: input.failureThreshold.percent,
          failureCount: input.failureThreshold.count,
          commandTtlSeconds: input.expiryHours * 3600,
          createdBy: actor.id,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      const stages = assignStages(
        id,
        ids,
        input.stages.map((s) => s.percent),
      );
      const rows = [...stages].map(([deviceId, stage]) => ({ rolloutId: id, deviceId, stage }));
      for (let i = 0; i < rows.length; i += 1000) await tx.insert(firmwareRolloutDevices).values(rows.slice(i, i + 1000));
      await recordAudit(tx, actor, {
        action: "rollout.created",
        outcome: "success",
        detail: {
          rolloutId: id,
          sha256: image.sha256,
          model: image.model,
          version: image.version,
          target: auditTarget(input.target),
          devices: ids.length,
          excluded: requested - ids.length,
          stages: input.stages,
          failureThreshold: input.failureThreshold,
          expiryHours: input.expiryHours,
        },
      });
      return { rollout, devices: ids.length, excluded: requested - ids.length };
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("conflict", "Another rollout of this model is running or paused; finish or abort it first.");
    throw err;
  }
}

/** The target's devices that can take the update, and how many were asked for. */
async function resolveTarget(tx: Db, model: string, t: RolloutTarget): Promise<{ requested: number; ids: string[] }> {
  if (t.kind === "model") {
    const rows = await tx
      .select({ id: devices.id })
      .from(devices)
      .where(
        and(
          eligibleDevice(model),
          t.studyId ? eq(devices.studyId, t.studyId) : undefined,
          t.firmware ? eq(devices.firmware, t.firmware) : undefined,
        ),
      )
      .limit(MAX_BULK_DEVICES * 20);
    return { requested: rows.length, ids: rows.map((r) => r.id) };
  }
  let asked: string[];
  if (t.kind === "selection") {
    asked = await selectFleetIds(tx, t.filter, MAX_BULK_DEVICES + 1);
    if (asked.length > MAX_BULK_DEVICES)
      throw new AppError("invalid_request", `A selection reaches at most ${MAX_BULK_DEVICES} devices; narrow the filter.`);
    if (asked.length !== t.expectedCount)
      throw new AppError(
        "conflict",
        `The selection changed: ${asked.length} devices match now, not ${t.expectedCount}. Review it and confirm again.`,
      );
  } else asked = [...new Set(t.deviceIds)];
  const ids: string[] = [];
  for (let i = 0; i < asked.length; i += 1000) {
    const rows = await tx
      .select({ id: devices.id })
      .from(devices)
      .innerJoin(users, eq(users.id, devices.ownerId))
      .where(and(inArray(devices.id, asked.slice(i, i + 1000)), eligibleDevice(model), isNull(devices.releasedAt)));
    ids.push(...rows.map((r) => r.id));
  }
  return { requested: asked.length, ids };
}

function auditTarget(t: RolloutTarget): Record<string, unknown> {
  if (t.kind === "model") return { kind: t.kind, studyId: t.studyId ?? null, firmware: t.firmware ?? null };
  if (t.kind === "devices") return { kind: t.kind, count: t.deviceIds.length };
  return { kind: t.kind, expectedCount: t.expectedCount, filter: t.filter };
}
