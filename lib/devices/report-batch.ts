import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { sqlState } from "../errors/validate";
import type { Row } from "./measurements";
import { buildStatement, parametersOf } from "./report-batch-sql";

/**
 * Reports and command polls of several devices in one statement: group commit for a fleet's
 * everyday load (docs/decisions/0027-reports-share-a-statement.md).
 *
 * A report or an idle command poll of a device this process has seen is one statement
 * (`verifyKnownSigner` with the route's plan). Under load, many such statements wait for the
 * database at once, and each pays the same fixed cost: a round trip, the executor's start, a
 * commit and its WAL flush. So requests that arrive while a statement runs wait and go together
 * in the next, which does for each exactly what its own would have done (take the nonce, mark
 * the credential used and the device seen; for a report, count the batch and store the rows
 * within the limit; for a poll, read the pending commands) and answers a row for each. A
 * request that arrives when nothing runs goes at once, in a statement of one. "Report" below
 * means either.
 *
 * - A device is once in the queue and in a statement at most: a report beside one of its own
 *   waits in the device's own line for that one's answer, then joins the queue. So a statement
 *   holds each device once (the rate-limit counter's row can be updated once per statement), a
 *   device's own reports never hold rows a shared statement waits for, and a flood of one
 *   device's requests (a replayed request needs no secret) costs a step each and delays only
 *   that device. Past MAX_WAITING_PER_DEVICE in its line, a request is refused at once with
 *   `rate_limited` (Retry-After 1 s), which runs no statement: a device sends one at a time.
 * - A reading already stored (a resent batch, or the same reading twice in one report) is
 *   counted as a duplicate in the statement itself (ON CONFLICT DO NOTHING, each report's new
 *   rows counted), as the report's own statement's second way would: it costs the others nothing.
 * - The statement waits LOCK_TIMEOUT at most for a row another transaction holds (a staff change
 *   of one device, an account's deletion, another process's statement for the same device).
 *   Then (or on a deadlock, a serialization failure) nothing of it happened, its slot is free
 *   at once, and each of its reports goes again alone, outside any slot, waiting for its own
 *   rows as it always did. So one device's trouble stays its own, and no deadlock reaches
 *   PostgreSQL's detector. Any other error PostgreSQL reports of the statement sends its
 *   reports alone the same way (`retryAlone`); a failure of the connection or the server (the
 *   database gone) is every report's answer.
 * - A statement still running after STALL_MS no longer holds the next back (at most
 *   MAX_STALLED such). Table locks taken before the statement runs (a migration, an index
 *   built without CONCURRENTLY) are not bounded by LOCK_TIMEOUT; nor were they before.
 */

/**
 * What one request adds to a shared statement: a report's readings and its device's limit, or
 * a command poll (`perMinute` null, no rows), which is not counted and reads the pending commands.
 */
export type ReportBatchItem = { deviceId: string; perMinute: number | null; rows: Row[] };

/** One report's request, as `verifyKnownSigner` would run it alone. */
export type BatchRequest = {
  credentialId: string;
  deviceId: string;
  nonce: string;
  ts: number;
  take: boolean;
  report: ReportBatchItem;
};

/** The row the statement of one answers (credential, device, fresh, and the report's columns). */
export type VerifiedRow = Record<string, unknown> & { credential: unknown; device: unknown; fresh: number | string };

type Waiting = {
  request: BatchRequest;
  alone: () => Promise<VerifiedRow | undefined>;
  resolve(row: VerifiedRow | undefined): void;
  reject(err: unknown): void;
};

/** At most this many reports a statement (64 of 1000 readings each stay well inside PostgreSQL's limits). */
export const MAX_BATCH = 64;
/**
 * One statement at a time, and the reports that arrive meanwhile go together in the next: the
 * fewest statements for the load (measured on two cores: 1,900 reports/s against 1,600 with
 * two at a time and 1,450 with four, each report costing the database and the app less).
 */
const MAX_RUNNING = 1;
/**
 * A statement still running after this long (waiting for a device's row that another
 * transaction holds, say) no longer holds the next back: one slow device cannot stall the rest.
 */
export const STALL_MS = 50;

/** A device's requests waiting in its line, past which the next is refused (`deviceBusy`). */
export const MAX_WAITING_PER_DEVICE = 16;

const BUSY = Symbol("claimlink.deviceBusy");
/** The refusal of a request past its device's line: `rate_limited`, to be sent again in a second. */
function deviceBusy(): AppError {
  const err = new AppError(
    "rate_limited",
    `More than ${MAX_WAITING_PER_DEVICE} requests of this device at once. Send one at a time; this one again in 1 s.`,
    { retryAfterSeconds: 1 },
  );
  return Object.assign(err, { [BUSY]: true });
}
/** True for the refusal of a request past its device's line, which ran no statement. */
export function isDeviceBusy(err: unknown): err is AppError {
  return err instanceof AppError && BUSY in err;
}

/** How the statements have gone in this process: for the tests. */
export const batchStats = { statements: 0, shared: 0, reports: 0, failedWhole: 0, behindOwn: 0, busy: 0 };

/** At most this many stalled statements at once (with the running one, at most MAX_RUNNING + MAX_STALLED). */
const MAX_STALLED = 3;

/**
 * A failure after which each report goes again alone: an error PostgreSQL reports of the
 * statement (a lock not had within LOCK_TIMEOUT, 55P03; a deadlock; a serialization failure; a
 * constraint one report's rows broke; a corrupt page of one device's rows, XX001), which may be
 * one report's alone. Not a failure of the connection or the server (SQLSTATE classes 08, 53,
 * 57, 58, or no SQLSTATE: the database gone), which is every report's answer, as its own
 * statement's would be.
 */
const EVERYONES = new Set(["08", "53", "57", "58"]);
export function retryAlone(err: unknown): boolean {
  const code = sqlState(err);
  return code !== undefined && !EVERYONES.has(code.slice(0, 2));
}

class ReportBatcher {
  private queue: Waiting[] = [];
  private running = 0;
  /** Running statements past STALL_MS, which no longer count against MAX_RUNNING (up to MAX_STALLED). */
  private stalled = 0;
  /**
   * Devices with a report here (waiting, in a statement or going alone), each with its line:
   * its requests that arrived meanwhile, in order, joining the queue one at a time.
   */
  private members = new Map<string, Waiting[]>();
  private scheduled = false;
  private statement: ReturnType<typeof buildStatement> | null = null;

  constructor(private readonly db: Db) {}

  run(request: BatchRequest, alone: Waiting["alone"]): Promise<VerifiedRow | undefined> {
    const line = this.members.get(request.deviceId);
    if (!line) return this.join(request, alone);
    // A device's request beside one of its own waits in its line for that one's answer: a
    // device is in the queue and in a statement once at most, and its requests never hold each
    // other's rows while a shared statement waits for them.
    if (line.length >= MAX_WAITING_PER_DEVICE) {
      // Past its line's length (a device sends one request at a time; a flood of replays needs
      // no secret), a request is refused at once: no statement, no lock, memory bounded, and
      // the device's own requests still one at a time.
      batchStats.busy++;
      return Promise.reject(deviceBusy());
    }
    batchStats.behindOwn++;
    return new Promise((resolve, reject) => line.push({ request, alone, resolve, reject }));
  }

  /** Into the queue, the device's line open behind it; its answer lets the line's next in. */
  private join(request: BatchRequest, alone: Waiting["alone"]): Promise<VerifiedRow | undefined> {
    const device = request.deviceId;
    const line: Waiting[] = [];
    this.members.set(device, line);
    const next = () => {
      const behind = line.shift();
      if (!behind) {
        this.members.delete(device);
        return;
      }
      // The line's next goes in as its first did, the rest still behind it.
      this.enqueue(behind.request, behind.alone).then(
        (row) => {
          behind.resolve(row);
          next();
        },
        (err: unknown) => {
          behind.reject(err);
          next();
        },
      );
    };
    const answered = this.enqueue(request, alone);
    answered.then(next, next);
    return answered;
  }

  private enqueue(request: BatchRequest, alone: Waiting["alone"]): Promise<VerifiedRow | undefined> {
    return new Promise<VerifiedRow | undefined>((resolve, reject) => {
      this.queue.push({ request, alone, resolve, reject });
      this.schedule();
    });
  }

  private free() {
    return this.running - Math.min(this.stalled, MAX_STALLED) < MAX_RUNNING;
  }

  /** Reports that arrive in the same turn of the event loop go together. */
  private schedule() {
    if (this.scheduled || !this.free() || this.queue.length === 0) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush() {
    while (this.free() && this.queue.length > 0) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.running++;
      let stalled = false;
      const timer = setTimeout(() => {
        stalled = true;
        this.stalled++;
        this.schedule();
      }, STALL_MS);
      // The slot is the shared statement's alone: reports that then go alone do so outside it.
      const done = () => {
        clearTimeout(timer);
        if (stalled) this.stalled--;
        this.running--;
        this.schedule();
      };
      this.execute(batch, done);
    }
  }

  /**
   * Every report, even one alone in the queue, goes in the shared statement, which waits for a
   * lock LOCK_TIMEOUT at most: a statement holding a slot never waits long for another
   * transaction. Its reports going alone after a failure wait for their own rows, as they
   * always did, outside any slot.
   */
  private execute(batch: Waiting[], done: () => void) {
    batchStats.statements++;
    if (batch.length > 1) batchStats.shared++;
    batchStats.reports += batch.length;
    Promise.resolve()
      .then(() => (this.statement ??= buildStatement(this.db)).execute(parametersOf(batch)))
      .then(
        (rows) => {
          done();
          const byIndex = new Map((rows as VerifiedRow[]).map((r) => [Number(r.i), r]));
          batch.forEach((w, i) => {
            const row = byIndex.get(i);
            if (row) delete row.i;
            w.resolve(row);
          });
        },
        (err: unknown) => {
          done();
          if (!retryAlone(err)) {
            for (const w of batch) w.reject(err);
            return;
          }
          // Nothing of it happened: each goes alone and answers as it would have.
          batchStats.failedWhole++;
          for (const w of batch) void settle(w, Promise.resolve().then(w.alone));
        },
      )
      .catch((err: unknown) => {
        for (const w of batch) w.reject(err);
      });
  }
}

async function settle(w: Waiting, result: Promise<VerifiedRow | undefined>) {
  try {
    w.resolve(await result);
  } catch (err) {
    w.reject(err);
  }
}

const batchers = new WeakMap<Db, ReportBatcher>();

/**
 * Runs a report's verifying statement, with others' when the database is busy. `alone` is the
 * statement of one, run when the report goes by itself. Resolves to the row `alone` would have
 * given, or undefined when the credential is not known.
 */
export function runReport<R extends VerifiedRow>(
  db: Db,
  request: BatchRequest,
  alone: () => Promise<R | undefined>,
): Promise<R | undefined> {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new ReportBatcher(db)));
  return b.run(request, alone) as Promise<R | undefined>;
}
