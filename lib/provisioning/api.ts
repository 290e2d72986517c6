import type { SessionUser } from "../auth/config";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { acknowledgeCommand, deviceProfile } from "../devices/commands";
import { MAX_MEASUREMENTS_BYTES, storeMeasurements } from "../devices/measurements";
import { answerSignedRequest, parseSignedJson, type DeviceReply } from "../http/device-route";
import { AppError } from "../http/errors";
import { answerChallenge } from "./answer";
import { createClaim, waitForClaim } from "./claims";
import { provisioningConfig } from "./config";
import { claimIdSchema, SID_PATTERN, waitSchema } from "./schemas";
import { pollSession, startSession } from "./sessions";

// The protocol's use cases as the route handlers call them (one function per endpoint).

export const SMALL_BODY_BYTES = 16 * 1024;

function waitOf(req: Request): number {
  const r = waitSchema.safeParse(new URL(req.url).searchParams.get("wait") ?? undefined);
  if (!r.success) throw new AppError("invalid_request", "wait must be a whole number of seconds from 0 to 30.");
  return r.data;
}

function requireSid(sid: string | undefined): string {
  if (!sid || !SID_PATTERN.test(sid)) throw new AppError("session_not_found", "No such provisioning session.");
  return sid;
}

/** POST /api/v1/provisioning/sessions: unsigned, or signed by a device that holds a credential. */
export async function startSessionRequest(req: Request, ip: string | null, readUnsigned: () => Promise<unknown>): Promise<Response | { status: number; body: unknown }> {
  const cfg = provisioningConfig();
  if (req.headers.get("authorization")?.startsWith("Claimlink-HMAC")) {
    return answerSignedRequest(req, {}, SMALL_BODY_BYTES, async ({ device, bodyText }): Promise<DeviceReply> => {
      const { db } = await appDatabase();
      const body = await startSession(db, cfg, parseSignedJson(bodyText), { ip, signer: { deviceId: device.device.id, credentialId: device.credential.id } });
      return { status: 201, body };
    });
  }
  const { db } = await appDatabase();
  return { status: 201, body: await startSession(db, cfg, await readUnsigned(), { ip }) };
}

export async function pollSessionRequest(req: Request, sid: string | undefined) {
  const database = await appDatabase();
  return pollSession(database, provisioningConfig(), requireSid(sid), req.headers.get("authorization"), waitOf(req), req.signal);
}

export async function answerChallengeRequest(req: Request, params: Record<string, string>, ip: string | null, body: unknown) {
  const { db } = await appDatabase();
  const claimId = claimIdSchema.safeParse(params.claimId);
  if (!claimId.success) throw new AppError("claim_not_found", "No such claim for this session.");
  return answerChallenge(db, provisioningConfig(), { sid: requireSid(params.sid), claimId: claimId.data, authorization: req.headers.get("authorization"), ip }, body);
}

export async function createClaimRequest(actor: Actor, user: SessionUser, body: unknown) {
  const { db } = await appDatabase();
  return createClaim(db, provisioningConfig(), { ...actor, id: user.id }, body);
}

export async function waitForClaimRequest(req: Request, user: SessionUser, claimId: string | undefined) {
  const id = claimIdSchema.safeParse(claimId);
  if (!id.success) throw new AppError("claim_not_found", "No such claim.");
  const database = await appDatabase();
  return waitForClaim(database, provisioningConfig(), user.id, id.data, waitOf(req), req.signal);
}

export function deviceMeRequest(req: Request) {
  return answerSignedRequest(req, {}, SMALL_BODY_BYTES, async ({ device }) => {
    const { db } = await appDatabase();
    return { status: 200, body: await deviceProfile(db, device.device) };
  });
}

export function measurementsRequest(req: Request) {
  return answerSignedRequest(req, {}, MAX_MEASUREMENTS_BYTES, async ({ device, bodyText }) => {
    const { db } = await appDatabase();
    return { status: 200, body: await storeMeasurements(db, device.device.id, parseSignedJson(bodyText)) };
  });
}

export function commandAckRequest(req: Request, params: Record<string, string>) {
  return answerSignedRequest(req, params, SMALL_BODY_BYTES, async ({ device, bodyText }) => {
    const { db } = await appDatabase();
    if (!/^cmd_[A-Z2-7]{16}$/.test(params.commandId ?? "")) throw new AppError("command_not_found", "No such command for this device.");
    return { status: 200, body: await acknowledgeCommand(db, device.device, params.commandId, parseSignedJson(bodyText)) };
  });
}
