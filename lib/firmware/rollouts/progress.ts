import { sql } from "drizzle-orm";
import { rowsOf, type Db } from "../../db/client";

// What a rollout's devices are doing, per stage, read from their commands (device_commands,
// whose rows fw-delivery's acknowledgements settle). One query serves the engine and the page.

/** Failure codes that are not the image's fault: the device never took the command. */
const NOT_A_FAILURE = ["expired", "cancelled"];

export type StageProgress = {
  stage: number;
  devices: number;
  /** Not yet issued: the stage has not started. */
  waiting: number;
  /** Issued and not yet reported. */
  queued: number;
  inProgress: number;
  done: number;
  /** Failed (any code, rolled back included), by code. */
  failed: number;
  failedByCode: Record<string, number>;
  rolledBack: number;
  /** Expired or cancelled before the device took it. */
  expired: number;
  /** Could not be issued (the device was released, revoked or lost meanwhile). */
  skipped: number;
  /** Issued commands not settled yet (queued or in progress, not expired). */
  open: number;
};

type Row = { stage: number; state: string; code: string | null; n: number | string };

/**
 * Per-stage progress of a rollout at `now`: a pending or in-progress command past its expiry
 * counts as expired (docs/protocol.md section 4: it is no longer delivered).
 */
export async function rolloutProgress(db: Db, rolloutId: string, stageCount: number, now: Date, onlyStage?: number) {
  const at = now.toISOString();
  const rows = rowsOf<Row>(
    await db.execute(sql`
      select m.stage,
        case
          when m.skipped_reason is not null then 'skipped'
          when m.command_id is null then 'waiting'
          when c.status in ('pending', 'in_progress') and c.expires_at <= ${at}::timestamptz then 'expired'
          when c.status = 'failed' and coalesce(c.failure_code, '') in ('expired', 'cancelled') then 'expired'
          else c.status
        end as state,
        case when c.status = 'failed' then coalesce(c.failure_code, 'unknown') end as code,
        count(*) as n
      from firmware_rollout_devices m
      left join device_commands c on c.id = m.command_id
      where m.rollout_id = ${rolloutId} ${onlyStage === undefined ? sql`` : sql`and m.stage = ${onlyStage}`}
      group by 1, 2, 3`),
  );
  const stages: StageProgress[] = Array.from({ length: stageCount }, (_, stage) => ({
    stage,
    devices: 0,
    waiting: 0,
    queued: 0,
    inProgress: 0,
    done: 0,
    failed: 0,
    failedByCode: {},
    rolledBack: 0,
    expired: 0,
    skipped: 0,
    open: 0,
  }));
  for (const r of rows) {
    const s = stages[r.stage];
    if (!s) continue;
    const n = Number(r.n);
    s.devices += n;
    if (r.state === "pending") s.queued += n;
    else if (r.state === "in_progress") s.inProgress += n;
    else if (r.state === "done") s.done += n;
    else if (r.state === "waiting") s.waiting += n;
    else if (r.state === "skipped") s.skipped += n;
    else if (r.state === "expired") s.expired += n;
    else if (r.state === "failed" && !NOT_A_FAILURE.includes(r.code ?? "")) {
      s.failed += n;
      const code = r.code ?? "unknown";
      s.failedByCode[code] = (s.failedByCode[code] ?? 0) + n;
      if (code === "rolled_back") s.rolledBack += n;
    }
    s.open = s.queued + s.inProgress;
  }
  return stages;
}
