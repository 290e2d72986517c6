import { and, eq, getTableColumns } from "drizzle-orm";
import type { Database, Db } from "../db/client";
import { claims, devices, provisioningSessions } from "../db/schema";
import { AppError } from "../errors/app-error";
import type { ProvisioningConfig } from "./config";
import { claimView, type ClaimView } from "./create-claim";
import { subscribe } from "./events";
import { settleSession } from "./settle-claim";

// The claimant's browser following its claim until the device answers or the claim times out.

/** The claim, its device's name and its session's model and firmware: one statement. */
async function claimRow(db: Db, userId: string, claimId: string) {
  const [row] = await db
    .select({
      claim: getTableColumns(claims),
      deviceName: devices.name,
      model: provisioningSessions.model,
      firmware: provisioningSessions.firmware,
    })
    .from(claims)
    .innerJoin(provisioningSessions, eq(provisioningSessions.sid, claims.sid))
    .leftJoin(devices, eq(devices.id, claims.deviceId))
    .where(and(eq(claims.id, claimId), eq(claims.userId, userId)));
  return row ?? null;
}

/**
 * The claim as its user sees it; another user's claim (or an unknown id) is `claim_not_found`.
 * One read, unless the claim's deadline has passed: then it is settled under the session's
 * lock (ending it exactly once, whichever process looks first) and read again.
 */
export async function readClaim(db: Db, cfg: ProvisioningConfig, userId: string, claimId: string): Promise<ClaimView> {
  let row = await claimRow(db, userId, claimId);
  if (!row) throw new AppError("claim_not_found", "No such claim.");
  if (row.claim.state === "waiting_for_device" && row.claim.expiresAt.getTime() <= Date.now()) {
    await db.transaction((tx) => settleSession(tx, row!.claim.sid, cfg));
    row = (await claimRow(db, userId, claimId)) ?? row;
  }
  return claimView(row.claim, row.deviceName, row);
}

/** Long poll for the user: returns when the claim ends or `waitSeconds` run out. */
export async function waitForClaim(
  database: Database,
  cfg: ProvisioningConfig,
  userId: string,
  claimId: string,
  waitSeconds: number,
  signal?: AbortSignal,
): Promise<ClaimView> {
  const sub = await subscribe(database, `claim:${claimId}`);
  try {
    const deadline = Date.now() + waitSeconds * 1000;
    let view = await readClaim(database.db, cfg, userId, claimId);
    while (view.state === "waiting_for_device" && Date.now() < deadline && !signal?.aborted) {
      // Wake at the claim's own deadline too, to report the timeout without a database poll loop.
      const until = Math.min(deadline, Date.parse(view.expiresAt) + 20);
      await sub.next(until - Date.now(), signal);
      view = await readClaim(database.db, cfg, userId, claimId);
    }
    return view;
  } finally {
    sub.close();
  }
}
