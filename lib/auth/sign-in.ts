import { z } from "zod";
import { recordAudit } from "../audit/record";
import type { Db } from "../db/client";
import type { User } from "../db/schema";
import { env } from "../env";
import { countHit, peekLimit, type Limit } from "../rate-limit";
import { findUserByEmail } from "../accounts/users";
import { verifyPassword } from "./password";

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number };

const credentialsSchema = z.object({
  email: z.string().trim().toLowerCase().min(1).max(254),
  password: z.string().min(1).max(256),
});

function signInLimit(): Limit {
  const e = env();
  return { max: e.CLAIMLINK_SIGNIN_MAX_FAILURES, windowSeconds: e.CLAIMLINK_SIGNIN_WINDOW_SECONDS };
}

/**
 * Checks email and password. Failed attempts count per account and per IP; past the limit
 * every attempt is refused with the time to wait, even with the right password. A wrong
 * password, an unknown email and a disabled account give the same answer.
 */
export async function authenticate(db: Db, input: unknown, ip: string | null): Promise<SignInResult> {
  const parsed = credentialsSchema.safeParse(input);
  const email = parsed.success ? parsed.data.email : "";
  const actor = { id: null, label: email || "anonymous", ip };
  if (!parsed.success) {
    await recordAudit(db, actor, { action: "signin", outcome: "failure", detail: { reason: "malformed" } });
    return { ok: false, reason: "invalid_credentials" };
  }
  const limit = signInLimit();
  const keys = [`signin:account:${email}`, ...(ip ? [`signin:ip:${ip}`] : [])];
  const states = await Promise.all(keys.map((k) => peekLimit(db, k, limit)));
  const blocked = states.filter((s) => s.count >= limit.max);
  if (blocked.length > 0) {
    const retryAfterSeconds = Math.max(...blocked.map((s) => s.retryAfterSeconds));
    await recordAudit(db, actor, { action: "signin", outcome: "failure", subjectLabel: email, detail: { reason: "rate_limited" } });
    return { ok: false, reason: "rate_limited", retryAfterSeconds };
  }

  const user = await findUserByEmail(db, email);
  const passwordOk = await verifyPassword(user?.passwordHash ?? null, parsed.data.password);
  if (user && passwordOk && !user.disabledAt) {
    await recordAudit(db, { ...actor, id: user.id, label: user.email }, { action: "signin", outcome: "success", subjectUserId: user.id, subjectLabel: user.email });
    return { ok: true, user };
  }
  await Promise.all(keys.map((k) => countHit(db, k, limit)));
  const reason = !user ? "unknown_email" : passwordOk ? "account_disabled" : "wrong_password";
  await recordAudit(db, actor, { action: "signin", outcome: "failure", subjectUserId: user?.id ?? null, subjectLabel: email, detail: { reason } });
  return { ok: false, reason: "invalid_credentials" };
}
