import { and, desc, eq, sql } from "drizzle-orm";
import { compareVersions, parseVersion } from "../../../device/firmware-update";
import { rowsOf, type Db } from "../../db/client";
import { devices, firmwareRollouts, users, type FirmwareRollout } from "../../db/schema";
import { AppError } from "../../errors/app-error";
import { toRfc3339 } from "../../format";
import { activeDevice } from "./eligible";
import { rolloutProgress, type StageProgress } from "./progress";
import { stageEnds } from "./stages";

// What staff read: the list of rollouts, one rollout's progress per stage, and adoption (the
// firmware versions active devices run, per model).

export type RolloutSummary = ReturnType<typeof summaryOf>;

function summaryOf(r: FirmwareRollout, createdByEmail: string | null) {
  return {
    id: r.id,
    sha256: r.sha256,
    model: r.model,
    version: r.version,
    status: r.status,
    pauseReason: r.pauseReason,
    target: {
      kind: r.targetKind,
      studyId: r.targetStudyId,
      firmware: r.targetFirmware,
      excluded: r.excludedCount,
    },
    stages: r.stages.map((s) => ({ percent: s.percent, soakMinutes: Math.round(s.soakSeconds / 60) })),
    currentStage: r.currentStage,
    stageStartedAt: r.stageStartedAt ? toRfc3339(r.stageStartedAt) : null,
    failureThreshold: { percent: r.failurePercent, count: r.failureCount },
    expiryHours: Math.round(r.commandTtlSeconds / 3600),
    createdBy: createdByEmail,
    createdAt: toRfc3339(r.createdAt),
    updatedAt: toRfc3339(r.updatedAt),
    endedAt: r.endedAt ? toRfc3339(r.endedAt) : null,
  };
}

/** The newest rollouts first, with their totals (devices, done, failed, bad signatures). */
export async function listRollouts(db: Db, limit = 100) {
  const rows = await db
    .select({ r: firmwareRollouts, email: users.email })
    .from(firmwareRollouts)
    .leftJoin(users, eq(users.id, firmwareRollouts.createdBy))
    .orderBy(desc(firmwareRollouts.createdAt))
    .limit(limit);
  const now = new Date();
  return Promise.all(
    rows.map(async ({ r, email }) => ({
      ...summaryOf(r, email),
      totals: totalsOf(await rolloutProgress(db, r.id, r.stages.length, now)),
    })),
  );
}

/** One rollout with its progress per stage; `not_found` when there is none. */
export async function getRollout(db: Db, id: string) {
  const [row] = await db
    .select({ r: firmwareRollouts, email: users.email })
    .from(firmwareRollouts)
    .leftJoin(users, eq(users.id, firmwareRollouts.createdBy))
    .where(eq(firmwareRollouts.id, id));
  if (!row) throw new AppError("not_found", "No such rollout.");
  const stages = await rolloutProgress(db, id, row.r.stages.length, new Date());
  const total = stages.reduce((n, s) => n + s.devices, 0);
  const ends = stageEnds(total, row.r.stages.map((s) => s.percent));
  return {
    ...summaryOf(row.r, row.email),
    totals: totalsOf(stages),
    stages: stages.map((s, i) => ({
      ...s,
      percent: row.r.stages[i].percent,
      soakMinutes: Math.round(row.r.stages[i].soakSeconds / 60),
      reaches: ends[i],
    })),
  };
}

function totalsOf(stages: StageProgress[]) {
  const sum = (k: "devices" | "done" | "failed" | "queued" | "inProgress" | "expired" | "rolledBack" | "skipped" | "waiting") =>
    stages.reduce((n, s) => n + s[k], 0);
  const badSignatures = stages.reduce((n, s) => n + (s.failedByCode.bad_signature ?? 0), 0);
  return {
    devices: sum("devices"),
    waiting: sum("waiting"),
    queued: sum("queued"),
    inProgress: sum("inProgress"),
    done: sum("done"),
    failed: sum("failed"),
    rolledBack: sum("rolledBack"),
    expired: sum("expired"),
    skipped: sum("skipped"),
    badSignatures,
  };
}

/** Versions run by active devices, per model, newest version first; counts are devices. */
export async function firmwareAdoption(db: Db, model?: string) {
  const rows = await db
    .select({ model: devices.model, firmware: devices.firmware, count: sql<number>`count(*)::int` })
    .from(devices)
    .where(and(activeDevice(), model ? eq(devices.model, model) : undefined))
    .groupBy(devices.model, devices.firmware);
  const byModel = new Map<string, { firmware: string; count: number }[]>();
  for (const r of rows) {
    const list = byModel.get(r.model) ?? [];
    list.push({ firmware: r.firmware, count: Number(r.count) });
    byModel.set(r.model, list);
  }
  return {
    models: [...byModel.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([m, versions]) => ({
        model: m,
        devices: versions.reduce((n, v) => n + v.count, 0),
        versions: versions.sort((a, b) => newestFirst(a.firmware, b.firmware)),
      })),
  };
}

function newestFirst(a: string, b: string): number {
  const [va, vb] = [parseVersion(a), parseVersion(b)];
  if (va && vb) return compareVersions(vb, va);
  if (va || vb) return va ? -1 : 1; // versions outside section 7's grammar last
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Images a new rollout may use (not yanked), newest first per model. */
export async function rolloutImages(db: Db) {
  return rowsOf<{ sha256: string; model: string; version: string }>(
    await db.execute(
      sql`select sha256, model, version from firmware_images where yanked_at is null order by model, uploaded_at desc limit 500`,
    ),
  );
}
