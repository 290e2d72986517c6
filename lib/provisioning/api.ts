import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { env } from "../env";
import { noticeClaimAttempt } from "../devices/notices";
import { AppError } from "../errors/app-error";
import { parseJsonText, parseOrThrow } from "../errors/validate";
import type { DeviceReply, SignedDeviceRequest, UnsignedDeviceRequest } from "../http/device-route";
import { queryParam } from "../http/request";
import { idOrNotFound } from "../ids";
import { answerChallenge } from "./answer-challenge";
import { provisioningConfig } from "./config";
import { createClaim, previewClaim } from "./create-claim";
import { pollSession } from "./poll-session";
import { firmwareKeysForStaff, keysForStaff } from "./published-keys";
import {
  claimPreviewSchema,
  claimRequestSchema,
  deviceAnswerSchema,
  SID_PATTERN,
  startSessionSchema,
  waitSchema,
} from "./schemas";
import { startSession } from "./start-session";
import { waitForClaim } from "./wait-for-claim";

// The edge of the protocol's use cases: each function parses what its route received and
// calls one use case with typed input (docs/protocol.md sections 1 and 2).

/** The `wait` query parameter as the route found it (null when absent). */
function waitOf(wait: string | null): number {
  const r = waitSchema.safeParse(wait ?? undefined);
  if (!r.success) throw new AppError("invalid_request", "wait must be a whole number of seconds from 0 to 30.");
  return r.data;
}

function sidOrNotFound(sid: string | undefined): string {
  if (!sid || !SID_PATTERN.test(sid)) throw new AppError("session_not_found", "No such provisioning session.");
  return sid;
}

/** POST /api/v1/provisioning/sessions from a device without a credential. */
export async function startUnsignedSession({ database, cfg, ip, body }: UnsignedDeviceRequest): Promise<DeviceReply> {
  const input = parseOrThrow(startSessionSchema, body);
  return { status: 201, body: await startSession(database.db, cfg, input, { ip }) };
}

/** POST /api/v1/provisioning/sessions signed by a device that holds a credential (section 5). */
export async function startSignedSession(r: SignedDeviceRequest): Promise<DeviceReply> {
  const input = parseOrThrow(startSessionSchema, parseJsonText(r.bodyText));
  const signer = { deviceId: r.device.device.id, credentialId: r.device.credential.id };
  return { status: 201, body: await startSession(r.database.db, r.cfg, input, { ip: r.ip, signer }) };
}

/** GET /api/v1/provisioning/sessions/{sid}?wait=N: the device's long poll. */
export async function pollSessionRequest(r: UnsignedDeviceRequest): Promise<DeviceReply> {
  const sid = sidOrNotFound(r.params.sid);
  return {
    status: 200,
    body: await pollSession(r.database, r.cfg, sid, r.sessionToken, waitOf(queryParam(r.req, "wait")), r.req.signal),
  };
}

/** POST /api/v1/provisioning/sessions/{sid}/claims/{claimId}: the device's answer to a challenge. */
export async function answerChallengeRequest(r: UnsignedDeviceRequest): Promise<DeviceReply> {
  const sid = sidOrNotFound(r.params.sid);
  const claimId = idOrNotFound("clm", r.params.claimId);
  const answer = parseOrThrow(deviceAnswerSchema, r.body);
  return {
    status: 200,
    body: await answerChallenge(r.database.db, r.cfg, { sid, claimId, sessionToken: r.sessionToken }, answer),
  };
}

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

/** The server's signing keys with their fingerprints, for the staff page firmware authors copy them from. */
export function serverKeysForStaff() {
  const cfg = provisioningConfig();
  return { claimUrl: cfg.claimUrl, keys: keysForStaff(cfg), firmwareKeys: firmwareKeysForStaff(env().firmwareKeys) };
}
