import { bulkInvitationSchema, createBulkInvitations } from "./bulk-invitations";
import { canReadStaffData } from "../auth/roles";
import QRCode from "qrcode";
import type { SessionUser } from "../auth/config";
import {
  confirmTwoFactorEnrolment,
  disableTwoFactor,
  regenerateRecoveryCodes,
  remainingRecoveryCodes,
  resetTwoFactor,
  startTwoFactorEnrolment,
} from "../auth/two-factor";
import { countHit } from "../rate-limit";
import { addressBucket } from "../rate-limit/address";
import { invitationMail, passwordResetMail } from "../mail/messages";
import { mailEnabled, sendMail, sendMailQuietly } from "../mail/send";
import {
  acceptPasswordReset,
  changeDisplayName,
  changePassword,
  createPasswordReset,
  lookupPasswordReset,
} from "./passwords";
import { listActiveSessions, revokeAllSessions, revokeSession } from "../auth/sessions";
import type { Actor } from "../audit/record";
import { getDb } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import { logInternalError } from "../errors/problem";
import {
  acceptInvitation,
  createInvitation,
  listPendingInvitations,
  lookupInvitation,
  renewInvitation,
  revokeInvitation,
} from "./invitations";
import {
  acceptInput,
  acceptResetSchema,
  accountChangeSchema,
  accountSearchSchema,
  changePasswordSchema,
  codeSchema,
  invitationInput,
  profileChangeSchema,
  resetRequestSchema,
} from "./schemas";
import { idOrNotFound, notFound } from "../ids";
import { inviteToStudy } from "../studies/enrol";
import { findUserByEmail, getUser, listUsers, setUserDisabled, setUserRole } from "./users";
import { invitationStudy } from "../studies/participant";
import { accountOverview } from "./account-overview";

// The account use cases as the API routes and pages call them: each takes what the edge
// parsed, runs one use case on the app database, and returns a DTO.

function invitationOptions() {
  const e = env();
  return { days: e.CLAIMLINK_INVITATION_DAYS, publicUrl: e.publicUrl };
}

/** What an invitation link's page shows before the invitee chooses a password (the route audits refusals). */
export async function lookupInvitationRequest(body: unknown, ip: string | null) {
  const token = (body as { token?: unknown } | null)?.token;
  const db = await getDb();
  const { studyId, ...invitation } = await lookupInvitation(db, token, ip);
  // A study's invitee reads its description and consent text before choosing a password.
  return { ...invitation, study: studyId ? await invitationStudy(db, studyId) : null };
}

export async function acceptInvitationRequest(body: unknown, ip: string | null) {
  const user = await acceptInvitation(await getDb(), acceptInput(body), ip);
  return { id: user.id, email: user.email, name: user.name };
}

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

/** Staff's account search (`q` matches names and emails). */
export async function searchAccounts(query: { q?: string }) {
  const { q } = parseOrThrow(accountSearchSchema, query);
  return { accounts: await listUsers(await getDb(), q) };
}

/** One account's staff page: its studies with what a withdrawal would do, and what deleting it would. */
export async function accountForStaff(userId: string | undefined) {
  return accountOverview(await getDb(), idOrNotFound("usr", userId));
}

export async function changeAccount(actor: Actor, userId: string | undefined, body: unknown) {
  const id = idOrNotFound("usr", userId);
  const change = parseOrThrow(accountChangeSchema, body);
  const db = await getDb();
  const account =
    "disabled" in change
      ? await setUserDisabled(db, actor, id, change.disabled)
      : await setUserRole(db, actor, id, change.role);
  return { account };
}

export async function signOutAccountEverywhere(actor: Actor, userId: string | undefined) {
  const db = await getDb();
  const user = await getUser(db, idOrNotFound("usr", userId));
  if (!user) throw notFound("usr");
  return { sessionsEnded: await revokeAllSessions(db, actor, user.id, user.email) };
}

export async function pendingInvitations() {
  return { invitations: await listPendingInvitations(await getDb()) };
}

/**
 * With mail configured, a fresh link is mailed and not shown (`mailed: true`); without mail,
 * or when sending fails, it is returned once for copying.
 */
async function deliverLink<T extends { link: string }>(
  issued: T,
  mail: (link: string) => Parameters<typeof sendMail>[0],
) {
  const { link, ...rest } = issued;
  if (!mailEnabled()) return { ...rest, link, mailed: false };
  try {
    await sendMail(mail(link));
    return { ...rest, mailed: true };
  } catch (err) {
    console.error("[mail] sending a link failed:", (err as Error).message);
    return { ...rest, link, mailed: false, mailError: "The mail could not be sent; copy the link instead." };
  }
}

/**
 * Staff invite someone. A participant's invitation may name a study: an email that already has
 * a participant's account is then enrolled at once (`enrolled`), without a link.
 */
export async function inviteAccount(actor: Actor, body: unknown) {
  const input = invitationInput(body);
  const db = await getDb();
  let issued;
  if (input.studyId) {
    const r = await inviteToStudy(db, actor, { ...input, studyId: input.studyId }, invitationOptions());
    if (r.kind === "enrolled") return { enrolled: true, studyId: input.studyId, email: input.email };
    issued = r;
  } else issued = await createInvitation(db, actor, input, invitationOptions());
  const { email, name, expiresAt } = issued.invitation;
  const to = { email, name, locale: input.locale };
  return deliverLink(issued, (link) => invitationMail(to, link, env().CLAIMLINK_INVITATION_DAYS, expiresAt));
}

/**
 * Invitations from a CSV (email, name, role), checked line by line. With mail configured each
 * invitation is mailed (a failed mail shows its link instead); without, every link is shown once.
 */
export async function bulkInviteAccounts(actor: Actor, body: unknown) {
  const { csv, studyId, locale } = parseOrThrow(bulkInvitationSchema, body);
  const { invited, enrolled, rejected } = await createBulkInvitations(await getDb(), actor, csv, {
    ...invitationOptions(),
    studyId,
  });
  const delivered = [];
  for (const i of invited) {
    const { name, expiresAt } = i.invitation;
    const to = { email: i.email, name, locale };
    delivered.push(
      await deliverLink(i, (link) => invitationMail(to, link, env().CLAIMLINK_INVITATION_DAYS, expiresAt)),
    );
  }
  return { invited: delivered, enrolled, rejected };
}

export async function renewInvitationLink(actor: Actor, invitationId: string | undefined) {
  const issued = await renewInvitation(await getDb(), actor, idOrNotFound("inv", invitationId), invitationOptions());
  // The invitation keeps no language, so a renewed link is mailed in the default one.
  const { email, name, expiresAt } = issued.invitation;
  return deliverLink(issued, (link) =>
    invitationMail({ email, name }, link, env().CLAIMLINK_INVITATION_DAYS, expiresAt),
  );
}

// ---- Two-factor sign-in of the signed-in account ----

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

export async function resetAccountTwoFactor(actor: Actor, userId: string | undefined) {
  return resetTwoFactor(await getDb(), actor, idOrNotFound("usr", userId));
}

// ---- Passwords and profile ----

export async function changeMyPassword(actor: Actor, user: SessionUser, body: unknown) {
  const { current, password } = parseOrThrow(changePasswordSchema, body);
  return changePassword(await getDb(), actor, { id: user.id, sessionId: user.sessionId }, current, password);
}

export async function changeMyProfile(actor: Actor, user: SessionUser, body: unknown) {
  const { name } = parseOrThrow(profileChangeSchema, body);
  await changeDisplayName(await getDb(), actor, user.id, name);
  return { name };
}

/** Staff issue a reset link for an account: mailed when mail is configured, else shown once. */
export async function issuePasswordReset(actor: Actor, userId: string | undefined) {
  const db = await getDb();
  const user = await getUser(db, idOrNotFound("usr", userId));
  if (!user) throw notFound("usr");
  const issued = await createPasswordReset(db, actor, user, env().publicUrl);
  return deliverLink(issued, (link) => passwordResetMail(user, link));
}

export const RESET_REQUEST_ANSWER =
  "If that email belongs to an account, a link to choose a new password is on its way. It works for one hour.";
const RESET_REQUESTS = { perAddress: { max: 10, windowSeconds: 3600 }, perAccount: { max: 3, windowSeconds: 3600 } };

/** Runs a task after the answer, detached; a failure is logged. The route passes Next's `after`. */
export type Later = (task: () => Promise<void>) => void;
const detached: Later = (task) => {
  setImmediate(() => void task().catch((err) => logInternalError("password-reset", err)));
};

/**
 * "Forgot password?": the same answer, in the same time, whether the email has an account or
 * not. Only the input is checked before answering; everything that depends on the email (the
 * limits per address and per account, the account lookup, the reset link, the mail) runs after
 * the answer, through `later`.
 */
export async function requestPasswordResetByMail(body: unknown, ip: string | null, later: Later = detached) {
  const { email } = parseOrThrow(resetRequestSchema, body);
  if (mailEnabled()) later(async () => void (await mailPasswordResetLink(email, ip)));
  return { message: RESET_REQUEST_ANSWER };
}

/** The work behind "Forgot password?": within the limits, an active account gets a link by mail. */
export async function mailPasswordResetLink(email: string, ip: string | null): Promise<boolean> {
  const db = await getDb();
  const byAddress = await countHit(db, `reset-request:ip:${addressBucket(ip)}`, RESET_REQUESTS.perAddress);
  const byAccount = await countHit(db, `reset-request:account:${email}`, RESET_REQUESTS.perAccount);
  if (byAddress.count > RESET_REQUESTS.perAddress.max || byAccount.count > RESET_REQUESTS.perAccount.max) return false;
  const user = await findUserByEmail(db, email);
  if (!user || user.disabledAt) return false;
  const { link } = await createPasswordReset(db, { id: null, label: "anonymous", ip }, user, env().publicUrl);
  return sendMailQuietly(passwordResetMail(user, link));
}

export async function lookupPasswordResetRequest(body: unknown, ip: string | null) {
  return lookupPasswordReset(await getDb(), (body as { token?: unknown } | null)?.token, ip);
}

export async function acceptPasswordResetRequest(body: unknown, ip: string | null) {
  return acceptPasswordReset(await getDb(), parseOrThrow(acceptResetSchema, body), ip);
}

export async function cancelInvitation(actor: Actor, invitationId: string | undefined) {
  await revokeInvitation(await getDb(), actor, idOrNotFound("inv", invitationId));
}
