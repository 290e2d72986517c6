import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { noticeClaimAttempt } from "../devices/notices";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { provisioningConfig } from "./config";
import { createClaim, previewClaim } from "./create-claim";
import { claimPreviewSchema, claimRequestSchema, waitOf } from "./schemas";
import { waitForClaim } from "./wait-for-claim";

// A signed-in person's side of a claim (docs/protocol.md section 2), as the routes call it:
// each parses what the edge received and calls one use case with typed input.

/** POST /api/v1/claims: a signed-in person claims the device whose code they scanned. */
export async function createClaimRequest(
  actor: Actor,
  user: SessionUser,
  body: unknown,
  audit: Record<string, unknown>,
) {
  const sid = (body as { sid?: unknown } | null)?.sid;
  if (typeof sid === "string") audit.sid = sid.slice(0, 64);
  const input = parseOrThrow(claimRequestSchema, body);
  const { db } = await appDatabase();
  const cfg = provisioningConfig();
  try {
    return await createClaim(db, cfg, { ...actor, id: user.id }, input);
  } catch (err) {
    // Someone else tried to claim an owned device while it showed its code: its owner is told.
    if (err instanceof AppError && err.code === "device_owned_by_other")
      void noticeClaimAttempt(db, new URL(cfg.claimUrl).origin, input.sid);
    throw err;
  }
}

/** POST /api/v1/claims/preview: the model and firmware of the device showing a code, before claiming it. */
export async function previewClaimRequest(_user: SessionUser, body: unknown) {
  const { sid } = parseOrThrow(claimPreviewSchema, body);
  const { db } = await appDatabase();
  return previewClaim(db, provisioningConfig(), sid);
}

/**
 * GET /api/v1/claims/{claimId}?wait=N: the claimant follows the claim. `wait` is the query
 * parameter as sent (null when absent); `signal` ends the wait when the claimant goes away.
 */
export async function waitForClaimRequest(
  user: SessionUser,
  claimId: string | undefined,
  wait: string | null,
  signal: AbortSignal,
) {
  const id = idOrNotFound("clm", claimId);
  const database = await appDatabase();
  return waitForClaim(database, provisioningConfig(), user.id, id, waitOf(wait), signal);
}
