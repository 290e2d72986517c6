import { countHit } from "../rate-limit";
import { addressBucket } from "../rate-limit/address";
import { passwordResetMail } from "../mail/messages";
import { mailEnabled, sendMailQuietly } from "../mail/send";
import { acceptPasswordReset, createPasswordReset, lookupPasswordReset } from "./passwords";
import { getDb } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import { logInternalError } from "../errors/problem";
import { acceptInvitation, lookupInvitation } from "./invitations";
import { acceptInput, acceptResetSchema, resetRequestSchema } from "./schemas";
import { findUserByEmail } from "./users";
import { invitationStudy } from "../studies/participant";

// The account requests of someone without a session: an invitation link, "Forgot password?" and
// a password-reset link. Each takes what the edge parsed and returns a DTO.

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
