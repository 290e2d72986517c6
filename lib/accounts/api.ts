import { z } from "zod";
import type { SessionUser } from "../auth/config";
import { listActiveSessions, revokeAllSessions, revokeSession } from "../auth/sessions";
import { recordRefusal, type Actor } from "../audit/record";
import { getDb } from "../db/client";
import { env } from "../env";
import { AppError } from "../http/errors";
import { parseOrThrow } from "../http/validate";
import { acceptInvitation, createInvitation, listPendingInvitations, lookupInvitation, renewInvitation, revokeInvitation } from "./invitations";
import { accountChangeSchema, accountSearchSchema } from "./schemas";
import { getUser, listUsers, setUserDisabled, setUserRole } from "./users";

// The account use cases as the API routes and pages call them: each takes what the edge
// parsed, runs one use case on the app database, and returns a DTO.

const idSchema = (prefix: string) => z.string().regex(new RegExp(`^${prefix}_[A-Z2-7]{16}$`));

function requireId(prefix: string, value: string | undefined, what: string): string {
  const r = idSchema(prefix).safeParse(value);
  if (!r.success) throw new AppError("not_found", `No such ${what}.`);
  return r.data;
}

function invitationOptions() {
  const e = env();
  return { days: e.CLAIMLINK_INVITATION_DAYS, publicUrl: e.publicUrl };
}

export async function lookupInvitationRequest(body: unknown, ip: string | null) {
  const token = (body as { token?: unknown } | null)?.token;
  const db = await getDb();
  try {
    return await lookupInvitation(db, token);
  } catch (err) {
    if (err instanceof AppError) await recordRefusal(db, { id: null, label: "anonymous", ip }, `invitation-lookup:${ip}`, { action: "invitation.lookup_refused" });
    throw err;
  }
}

export async function acceptInvitationRequest(body: unknown, ip: string | null) {
  const user = await acceptInvitation(await getDb(), body, ip);
  return { id: user.id, email: user.email, name: user.name };
}

export async function listMySessions(user: SessionUser) {
  const sessions = await listActiveSessions(await getDb(), user.id);
  return { sessions: sessions.map((s) => ({ ...s, current: s.id === user.sessionId })) };
}

export async function endMySession(actor: Actor, user: SessionUser, sessionId: string | undefined) {
  await revokeSession(await getDb(), actor, user.id, requireId("ses", sessionId, "session"));
}

export async function signOutEverywhere(actor: Actor, user: SessionUser) {
  return { sessionsEnded: await revokeAllSessions(await getDb(), actor, user.id, user.email) };
}

export async function searchAccounts(params: URLSearchParams) {
  const { q } = parseOrThrow(accountSearchSchema, Object.fromEntries(params));
  return { accounts: await listUsers(await getDb(), q) };
}

export async function changeAccount(actor: Actor, userId: string | undefined, body: unknown) {
  const id = requireId("usr", userId, "account");
  const change = parseOrThrow(accountChangeSchema, body);
  const db = await getDb();
  const account = "disabled" in change ? await setUserDisabled(db, actor, id, change.disabled) : await setUserRole(db, actor, id, change.role);
  return { account };
}

export async function signOutAccountEverywhere(actor: Actor, userId: string | undefined) {
  const db = await getDb();
  const user = await getUser(db, requireId("usr", userId, "account"));
  if (!user) throw new AppError("not_found", "No such account.");
  return { sessionsEnded: await revokeAllSessions(db, actor, user.id, user.email) };
}

export async function pendingInvitations() {
  return { invitations: await listPendingInvitations(await getDb()) };
}

export async function inviteAccount(actor: Actor, body: unknown) {
  return createInvitation(await getDb(), actor, body, invitationOptions());
}

export async function renewInvitationLink(actor: Actor, invitationId: string | undefined) {
  return renewInvitation(await getDb(), actor, requireId("inv", invitationId, "invitation"), invitationOptions());
}

export async function cancelInvitation(actor: Actor, invitationId: string | undefined) {
  await revokeInvitation(await getDb(), actor, requireId("inv", invitationId, "invitation"));
}
