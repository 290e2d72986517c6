import { appDatabase } from "../db/client";
import { env } from "../env";
import { sendSilenceNotices } from "../devices/notices";
import { logInternalError } from "../errors/problem";
import { describeHousekeeping, runHousekeeping } from "./run";
import { resumeErasures } from "../studies/erasure";
import { advanceRollouts } from "../firmware/rollouts/engine";

const FIRST_RUN_DELAY_MS = 30_000;
const started = Symbol.for("claimlink.housekeeping");

/**
 * Runs housekeeping in this process every CLAIMLINK_HOUSEKEEPING_MINUTES (first half a minute
 * after start). Every process schedules it; the advisory lock lets one run at a time. Timers
 * never keep the process alive.
 */
export function startHousekeeping(): void {
  const g = globalThis as typeof globalThis & { [started]?: boolean };
  if (g[started]) return;
  g[started] = true;
  const e = env();
  const run = async () => {
    try {
      const database = await appDatabase();
      const report = await runHousekeeping(database.db, {
        nonceMemorySeconds: e.CLAIMLINK_NONCE_MEMORY_SECONDS,
        measurementRetentionDays: e.CLAIMLINK_MEASUREMENT_RETENTION_DAYS ?? null,
      });
      console.log(describeHousekeeping(report));
      // Erasures a crash or a restart interrupted (lib/studies/erasure.ts), each batch its own transaction.
      const erased = await resumeErasures(database.db);
      if (erased > 0) console.log(`[housekeeping] finished ${erased} interrupted erasure(s)`);
      // After the run's transaction: mail is never sent inside one.
      const silence = await sendSilenceNotices(database.db, e.publicUrl, e.CLAIMLINK_SILENCE_NOTICE_HOURS);
      if (silence.silent > 0)
        console.log(`[housekeeping] ${silence.silent} device(s) fell silent; ${silence.sent} owner(s) mailed`);
    } catch (err) {
      logInternalError("housekeeping", err);
    }
  };
  setTimeout(run, FIRST_RUN_DELAY_MS).unref();
  setInterval(run, e.CLAIMLINK_HOUSEKEEPING_MINUTES * 60_000).unref();
  startRolloutEngine(e.CLAIMLINK_ROLLOUT_TICK_SECONDS);
}

/**
 * Firmware rollouts advance on their own, shorter tick (a stage may soak for minutes, not
 * hours); each rollout is advanced under its row lock, so every process may run the tick.
 * One tick at a time per process: a slow one is not overlapped by the next.
 */
function startRolloutEngine(tickSeconds: number): void {
  let busy = false;
  const tick = async () => {
    if (busy) return;
    busy = true;
    try {
      const database = await appDatabase();
      for (const t of await advanceRollouts(database.db))
        if (t.outcome !== "unchanged" && t.outcome !== "skipped") console.log(`[rollouts] ${t.id} ${t.outcome}`);
    } catch (err) {
      logInternalError("rollout engine", err);
    } finally {
      busy = false;
    }
  };
  setInterval(tick, tickSeconds * 1000).unref();
}
