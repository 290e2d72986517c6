import { bulkInvitationSchema, createBulkInvitations } from "./bulk-invitations";
import { resetTwoFactor } from "../auth/two-factor";
import { invitationMail, passwordResetMail } from "../mail/messages";
import { mailEnabled, sendMail } from "../mail/send";
import { createPasswordReset } from "./passwords";
import { revokeAllSessions } from "../auth/sessions";
import type { Actor } from "../audit/record";
import { getDb } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import { createInvitation, listPendingInvitations, renewInvitation, revokeInvitation } from "./invitations";
import { accountChangeSchema, accountSearchSchema, invitationInput } from "./schemas";
import { idOrNotFound, notFound } from "../ids";
import { inviteToStudy } from "../studies/enrol";
import { getUser, listUsers, setUserDisabled, setUserRole } from "./users";
import { accountOverview } from "./account-overview";

// Staff's account requests (search, an account's page, role and access, invitations, reset
// links): each takes what the edge parsed, runs one use case on the app database, and returns
// a DTO.

function invitationOptions() {
  const e = env();
  return { days: e.CLAIMLINK_INVITATION_DAYS, publicUrl: e.publicUrl };
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

export async function resetAccountTwoFactor(actor: Actor, userId: string | undefined) {
  return resetTwoFactor(await getDb(), actor, idOrNotFound("usr", userId));
}

/** Staff issue a reset link for an account: mailed when mail is configured, else shown once. */
export async function issuePasswordReset(actor: Actor, userId: string | undefined) {
  const db = await getDb();
  const user = await getUser(db, idOrNotFound("usr", userId));
  if (!user) throw notFound("usr");
  const issued = await createPasswordReset(db, actor, user, env().publicUrl);
  return deliverLink(issued, (link) => passwordResetMail(user, link));
}

// ---- Invitations ----

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
  const { email, name, locale, expiresAt } = issued.invitation;
  const to = { email, name, locale };
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
    locale,
  });
  const delivered = [];
  for (const i of invited) {
    const { name, expiresAt } = i.invitation;
    const to = { email: i.email, name, locale: i.invitation.locale };
    delivered.push(
      await deliverLink(i, (link) => invitationMail(to, link, env().CLAIMLINK_INVITATION_DAYS, expiresAt)),
    );
  }
  return { invited: delivered, enrolled, rejected };
}

export async function renewInvitationLink(actor: Actor, invitationId: string | undefined) {
  const issued = await renewInvitation(await getDb(), actor, idOrNotFound("inv", invitationId), invitationOptions());
  // A renewed link is mailed in the language the invitation was made with (else the default).
  const { email, name, locale, expiresAt } = issued.invitation;
  return deliverLink(issued, (link) =>
    invitationMail({ email, name, locale }, link, env().CLAIMLINK_INVITATION_DAYS, expiresAt),
  );
}

export async function cancelInvitation(actor: Actor, invitationId: string | undefined) {
  await revokeInvitation(await getDb(), actor, idOrNotFound("inv", invitationId));
}
