import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import { randomToken, sha256Hex } from "../crypto/tokens";
import type { Db } from "../db/client";
import { signinTickets, users, type User } from "../db/schema";
import { newId } from "../ids";
import { addressBucket } from "../rate-limit/address";
import { findUserByEmail } from "../accounts/users";
import { countSignInAttempt, settleSignInSuccess } from "./limits";
import { verifyPassword } from "./password";
import { checkSecondFactor, isTwoFactorOn, type SecondFactor } from "./two-factor";

// Sign-in in one or two steps. The password step counts the attempt first (lib/auth/limits.ts),
// then checks the password. With two-factor on it ends in a ticket: a short-lived, single-use
// "password verified, awaiting the code" token (only its hash stored) that the code step
// consumes. Every refusal goes through the capped refusal audit.

export type SignInRefusal =
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "invalid_code" }
  | { ok: false; reason: "ticket_expired" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

export type PasswordResult = { ok: true; user: User; secondFactor: boolean } | SignInRefusal;
export type SignInResult = { ok: true; user: User; secondFactor: SecondFactor | null } | SignInRefusal;

export const TICKET_TTL_SECONDS = 300;
const TICKET_MAX_FAILURES = 5;

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(256),
});
const codeStepSchema = z.object({
  ticket: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  code: z.string().trim().max(40).optional(),
});

async function refuse<R extends SignInRefusal>(
  db: Db,
  actor: Actor,
  reason: string,
  result: R,
  subject: { id?: string | null; label?: string | null } = {},
): Promise<R> {
  // The cap counts per address (IPv6 per /64): a flood from one network adds at most 20 rows per reason.
  await recordRefusal(db, actor, {
    action: "signin",
    code: reason,
    caller: actor.ip ? addressBucket(actor.ip) : actor.label,
    subjectUserId: subject.id ?? null,
    subjectLabel: subject.label ?? null,
    detail: { reason },
  });
  return result;
}

/**
 * The password step. The attempt is counted before the password is checked; a wrong password,
 * an unknown email and a disabled account give the same answer. `secondFactor` says the
 * account needs a code next (the attempt then stays counted until the code is right).
 */
export async function authenticate(db: Db, input: unknown, ip: string | null): Promise<PasswordResult> {
  const parsed = credentialsSchema.safeParse(input);
  const email = parsed.success ? parsed.data.email : "";
  const actor: Actor = { id: null, label: email || "anonymous", ip };
  if (!parsed.success) return refuse(db, actor, "malformed", { ok: false, reason: "invalid_credentials" });
  const attempt = await countSignInAttempt(db, email, ip);
  if (!attempt.ok) {
    return refuse(
      db,
      actor,
      "rate_limited",
      { ok: false, reason: "rate_limited", retryAfterSeconds: attempt.retryAfterSeconds },
      { label: email },
    );
  }
  const user = await findUserByEmail(db, email);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, parsed.data.password);
  if (user && passwordOk && !user.disabledAt) {
    const secondFactor = isTwoFactorOn(user);
    if (!secondFactor) await settleSignInSuccess(db, email, ip);
    return { ok: true, user, secondFactor };
  }
  const reason = !user ? "unknown_email" : passwordOk ? "account_disabled" : "wrong_password";
  return refuse(db, actor, reason, { ok: false, reason: "invalid_credentials" }, { id: user?.id, label: email });
}

/** Audits a completed sign-in. */
export async function recordSignIn(db: Db, user: User, ip: string | null, secondFactor: SecondFactor | null) {
  await recordAudit(
    db,
    { id: user.id, label: user.email, ip },
    {
      action: "signin",
      outcome: "success",
      subjectUserId: user.id,
      subjectLabel: user.email,
      detail: secondFactor ? { secondFactor } : {},
    },
  );
}

/** The password step of the sign-in form: a ticket for the next step, or the refusal. */
export async function beginSignIn(
  db: Db,
  input: unknown,
  ip: string | null,
): Promise<{ ok: true; ticket: string; secondFactor: boolean } | SignInRefusal> {
  const r = await authenticate(db, input, ip);
  if (!r.ok) return r;
  const ticket = randomToken(32);
  await db.insert(signinTickets).values({
    id: newId("stk"),
    tokenHash: sha256Hex(ticket),
    userId: r.user.id,
    ip,
    expiresAt: new Date(Date.now() + TICKET_TTL_SECONDS * 1000),
  });
  return { ok: true, ticket, secondFactor: r.secondFactor };
}

/**
 * The last step: consumes the ticket with the code (when two-factor is on). A wrong code counts
 * like a wrong password and against the ticket (5 and it is void); the ticket works once.
 */
export async function completeSignIn(db: Db, input: unknown, ip: string | null): Promise<SignInResult> {
  const anonymous: Actor = { id: null, label: "anonymous", ip };
  const parsed = codeStepSchema.safeParse(input);
  if (!parsed.success) return refuse(db, anonymous, "malformed", { ok: false, reason: "ticket_expired" });
  const tokenHash = sha256Hex(parsed.data.ticket);
  const live = and(
    eq(signinTickets.tokenHash, tokenHash),
    isNull(signinTickets.usedAt),
    gt(signinTickets.expiresAt, new Date()),
    lt(signinTickets.failures, TICKET_MAX_FAILURES),
  );
  const [row] = await db
    .select({ ticket: signinTickets, user: users })
    .from(signinTickets)
    .innerJoin(users, eq(users.id, signinTickets.userId))
    .where(live);
  if (!row || row.user.disabledAt)
    return refuse(db, anonymous, "ticket_expired", { ok: false, reason: "ticket_expired" });
  const { user } = row;
  const actor: Actor = { id: null, label: user.email, ip };
  let used: SecondFactor | null = null;
  if (isTwoFactorOn(user)) {
    const attempt = await countSignInAttempt(db, user.email, ip);
    if (!attempt.ok) {
      return refuse(
        db,
        actor,
        "rate_limited",
        { ok: false, reason: "rate_limited", retryAfterSeconds: attempt.retryAfterSeconds },
        { id: user.id, label: user.email },
      );
    }
    used = await checkSecondFactor(db, user, parsed.data.code ?? "", { id: user.id, label: user.email, ip });
    if (!used) {
      await db
        .update(signinTickets)
        .set({ failures: sql`${signinTickets.failures} + 1` })
        .where(eq(signinTickets.id, row.ticket.id));
      return refuse(db, actor, "wrong_code", { ok: false, reason: "invalid_code" }, { id: user.id, label: user.email });
    }
  }
  const [consumed] = await db
    .update(signinTickets)
    .set({ usedAt: new Date() })
    .where(and(eq(signinTickets.id, row.ticket.id), live))
    .returning({ id: signinTickets.id });
  if (!consumed) return refuse(db, actor, "ticket_expired", { ok: false, reason: "ticket_expired" });
  await settleSignInSuccess(db, user.email, ip);
  await recordSignIn(db, user, ip, used);
  return { ok: true, user, secondFactor: used };
}
