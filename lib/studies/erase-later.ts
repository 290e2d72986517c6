import { getDb } from "../db/client";
import { env } from "../env";
import { logInternalError } from "../errors/problem";
import { runErasure } from "./erasure";

/**
 * Runs erasures after the answer, detached, `CLAIMLINK_ERASURE_BATCH_ROWS` readings per
 * transaction; one that fails or is cut off by a dying process is finished by housekeeping.
 */
export function eraseLater(erasureIds: (string | null)[]): void {
  const ids = erasureIds.filter((id): id is string => id !== null);
  if (ids.length === 0) return;
  const batchRows = env().CLAIMLINK_ERASURE_BATCH_ROWS;
  setImmediate(() => {
    void (async () => {
      const db = await getDb();
      for (const id of ids) await runErasure(db, id, batchRows);
    })().catch((err) => logInternalError("study-erasure", err));
  });
}
