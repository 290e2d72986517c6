import { canReadStaffData } from "../auth/roles";
import QRCode from "qrcode";
import type { SessionUser } from "../auth/session-user";
import {
  confirmTwoFactorEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  remainingRecoveryCodes,
  startTwoFactorEnrolment,
} from "../auth/two-factor";
import { changeDisplayName, changePassword } from "./passwords";
import { listActiveSessions, revokeAllSessions, revokeSession } from "../auth/sessions";
import type { Actor } from "../audit/record";
import { getDb } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import { changePasswordSchema, codeSchema, profileChangeSchema } from "./schemas";
import { idOrNotFound } from "../ids";

// The signed-in person's requests about their own account (sessions, two-factor sign-in,
// password and profile): each takes what the edge parsed, runs one use case on the app
// database, and returns a DTO.

export async function listMySessions(user: SessionUser) {
  const sessions = await listActiveSessions(await getDb(), user.id);
  return { sessions: sessions.map((s) => ({ ...s, current: s.id === user.sessionId })) };
}

export async function endMySession(actor: Actor, user: SessionUser, sessionId: string | undefined) {
  await revokeSession(await getDb(), actor, user.id, idOrNotFound("ses", sessionId));
}

export async function signOutEverywhere(actor: Actor, user: SessionUser) {
  return { sessionsEnded: await revokeAllSessions(await getDb(), actor, user.id, user.email) };
}

// ---- Two-factor sign-in ----

export async function myTwoFactorStatus(user: SessionUser) {
  return {
    on: user.twoFactor,
    required: canReadStaffData(user.role) && env().staffTwoFactorRequired,
    remainingRecoveryCodes: user.twoFactor ? await remainingRecoveryCodes(await getDb(), user.id) : 0,
  };
}

/** A new secret to enrol: the otpauth:// URI, the secret as text, and the URI's QR as a PNG data URL. */
export async function startMyTwoFactor(user: SessionUser) {
  const { secret, uri } = await startTwoFactorEnrolment(await getDb(), user.id);
  const qr = await QRCode.toDataURL(uri, { margin: 2, width: 240, errorCorrectionLevel: "M" });
  return { secret, uri, qr };
}

export async function confirmMyTwoFactor(actor: Actor, user: SessionUser, body: unknown) {
  const code = parseOrThrow(codeSchema, body).code;
  const { recoveryCodes } = await confirmTwoFactorEnrolment(await getDb(), actor, user.id, code, user.sessionId);
  return { recoveryCodes };
}

export async function disableMyTwoFactor(actor: Actor, user: SessionUser, body: unknown) {
  await disableTwoFactor(await getDb(), actor, user.id, parseOrThrow(codeSchema, body).code);
}

export async function newMyRecoveryCodes(actor: Actor, user: SessionUser, body: unknown) {
  return regenerateRecoveryCodes(await getDb(), actor, user.id, parseOrThrow(codeSchema, body).code);
}

// ---- Password and profile ----

export async function changeMyPassword(actor: Actor, user: SessionUser, body: unknown) {
  const { current, password } = parseOrThrow(changePasswordSchema, body);
  return changePassword(await getDb(), actor, { id: user.id, sessionId: user.sessionId }, current, password);
}

export async function changeMyProfile(actor: Actor, user: SessionUser, body: unknown) {
  const { name } = parseOrThrow(profileChangeSchema, body);
  await changeDisplayName(await getDb(), actor, user.id, name);
  return { name };
}
