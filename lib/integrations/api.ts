import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { canReadStaffData } from "../auth/roles";
import { appDatabase } from "../db/client";
import { idOrNotFound } from "../ids";
import { readableStudies } from "../studies/access";
import { createToken, listAllTokens, listTokensOf, revokeToken } from "./tokens";

// API token use cases as the routes and pages call them: a person's own, and staff over all.

export async function createMyToken(actor: Actor, user: SessionUser, body: unknown) {
  const { db } = await appDatabase();
  return createToken(db, actor, { id: user.id, role: user.role }, body);
}

export async function myTokens(user: SessionUser) {
  const { db } = await appDatabase();
  return listTokensOf(db, user.id);
}

export async function revokeMyToken(actor: Actor, user: SessionUser, tokenId: string | undefined) {
  const { db } = await appDatabase();
  return revokeToken(db, actor, idOrNotFound("tok", tokenId), user.id);
}

export async function allTokens() {
  const { db } = await appDatabase();
  return listAllTokens(db);
}

export async function revokeAnyToken(actor: Actor, tokenId: string | undefined) {
  const { db } = await appDatabase();
  return revokeToken(db, actor, idOrNotFound("tok", tokenId));
}

/** `study` holds a study scope's name in both languages, for the form to show in the reader's. */
export type ScopeChoice = { scope: string; label: string; hint: string; study?: { nl?: string; en?: string } };

/** The scopes this person may put in a token, for the form: each with what it reads. */
export async function myScopeChoices(user: SessionUser): Promise<ScopeChoice[]> {
  const { db } = await appDatabase();
  const choices: ScopeChoice[] = [
    { scope: "devices:read", label: "Your devices", hint: "Your devices, their latest values, history and exports." },
  ];
  if (canReadStaffData(user.role))
    choices.push(
      { scope: "fleet:read", label: "The fleet", hint: "Every device, its owner, history and the readings export." },
      { scope: "audit:read", label: "The audit log", hint: "Every audit event, and its export." },
    );
  for (const s of await readableStudies(db, { id: user.id, role: user.role }))
    choices.push({
      scope: `study:${s.id}:read`,
      label: `Study: ${s.name.en ?? s.name.nl ?? s.id}`,
      hint: "The study's dashboard and its pseudonymous export.",
      study: s.name,
    });
  return choices;
}
