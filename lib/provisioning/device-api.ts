import { AppError } from "../errors/app-error";
import { parseJsonText, parseOrThrow } from "../errors/validate";
import type { DeviceReply, SignedDeviceRequest, UnsignedDeviceRequest } from "../http/device-route";
import { idOrNotFound } from "../ids";
import { answerChallenge } from "./answer-challenge";
import { pollSession } from "./poll-session";
import { deviceAnswerSchema, SID_PATTERN, startSessionSchema, waitOf } from "./schemas";
import { startSession } from "./start-session";

// A device's provisioning calls (docs/protocol.md sections 1 and 5), called by their route
// wrapper (lib/http/device-route.ts) once it read the request: each parses what the device sent
// and calls one use case with typed input. None reads the web request itself.

type Unsigned = Omit<UnsignedDeviceRequest, "req">;
type Signed = Omit<SignedDeviceRequest, "req">;

function sidOrNotFound(sid: string | undefined): string {
  if (!sid || !SID_PATTERN.test(sid)) throw new AppError("session_not_found", "No such provisioning session.");
  return sid;
}

/** POST /api/v1/provisioning/sessions from a device without a credential. */
export async function startUnsignedSession({ database, cfg, ip, body }: Unsigned): Promise<DeviceReply> {
  const input = parseOrThrow(startSessionSchema, body);
  return { status: 201, body: await startSession(database.db, cfg, input, { ip }) };
}

/** POST /api/v1/provisioning/sessions signed by a device that holds a credential (section 5). */
export async function startSignedSession(r: Signed): Promise<DeviceReply> {
  const input = parseOrThrow(startSessionSchema, parseJsonText(r.bodyText));
  const signer = { deviceId: r.device.device.id, credentialId: r.device.credential.id };
  return { status: 201, body: await startSession(r.database.db, r.cfg, input, { ip: r.ip, signer }) };
}

/**
 * GET /api/v1/provisioning/sessions/{sid}?wait=N: the device's long poll. `wait` is the query
 * parameter as sent (null when absent); `signal` ends the wait when the device goes away.
 */
export async function pollSessionRequest(r: Unsigned, wait: string | null, signal: AbortSignal): Promise<DeviceReply> {
  const sid = sidOrNotFound(r.params.sid);
  return { status: 200, body: await pollSession(r.database, r.cfg, sid, r.sessionToken, waitOf(wait), signal) };
}

/** POST /api/v1/provisioning/sessions/{sid}/claims/{claimId}: the device's answer to a challenge. */
export async function answerChallengeRequest(r: Unsigned): Promise<DeviceReply> {
  const sid = sidOrNotFound(r.params.sid);
  const claimId = idOrNotFound("clm", r.params.claimId);
  const answer = parseOrThrow(deviceAnswerSchema, r.body);
  return {
    status: 200,
    body: await answerChallenge(r.database.db, r.cfg, { sid, claimId, sessionToken: r.sessionToken }, answer),
  };
}
