import { and, eq } from "drizzle-orm";
import type { Database, Db } from "../db/client";
import { claims, devices, provisioningSessions } from "../db/schema";
import { AppError } from "../errors/app-error";
import type { ProvisioningConfig } from "./config";
import { claimView, type ClaimView } from "./create-claim";
import { subscribe } from "./events";
import { settleSession } from "./time-out-claim";

// The claimant's browser following its claim until the device answers or the claim times out.

/** The claim as its user sees it; another user's claim (or an unknown id) is `claim_not_found`. */
export async function readClaim(db: Db, cfg: ProvisioningConfig, userId: string, claimId: string): Promise<ClaimView> {
  const [c] = await db
    .select()
    .from(claims)
    .where(and(eq(claims.id, claimId), eq(claims.userId, userId)));
  if (!c) throw new AppError("claim_not_found", "No such claim.");
  if (c.state === "waiting_for_device" && c.expiresAt.getTime() <= Date.now()) {
    await db.transaction((tx) => settleSession(tx, c.sid, cfg));
  }
  const [fresh] = await db.select().from(claims).where(eq(claims.id, claimId));
  const name = fresh.deviceId
    ? (await db.select({ name: devices.name }).from(devices).where(eq(devices.id, fresh.deviceId)))[0]?.name
    : null;
  const [session] = await db
    .select({ model: provisioningSessions.model, firmware: provisioningSessions.firmware })
    .from(provisioningSessions)
    .where(eq(provisioningSessions.sid, fresh.sid));
  return claimView(fresh, name ?? null, session);
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
