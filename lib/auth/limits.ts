import type { Db } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { clearLimit, countHit, refundHit, type Limit } from "../rate-limit";
import { addressBucket } from "../rate-limit/address";

// Sign-in attempts are counted *before* the password or code is checked, with one atomic
// increment per key, so N parallel guesses cost N counted attempts and at most the limit of
// them ever reaches the slow hash. docs/decisions/0007-sign-in-limits.md explains the keys:
// per account and address (tight), per address (spraying), per account (slow and large), and
// why a flood from one address cannot lock a person out from another.

type Limits = { pair: Limit; address: Limit; account: Limit };

function limits(): Limits {
  const e = env();
  return {
    pair: { max: e.CLAIMLINK_SIGNIN_MAX_FAILURES, windowSeconds: e.CLAIMLINK_SIGNIN_WINDOW_SECONDS },
    address: { max: e.CLAIMLINK_SIGNIN_IP_MAX_FAILURES, windowSeconds: e.CLAIMLINK_SIGNIN_WINDOW_SECONDS },
    account: { max: e.CLAIMLINK_SIGNIN_ACCOUNT_MAX_FAILURES, windowSeconds: e.CLAIMLINK_SIGNIN_ACCOUNT_WINDOW_SECONDS },
  };
}

// Addresses count by addressBucket (IPv6 per /64), as every other limit and the refusal cap do.
const keysOf = (account: string, ip: string | null) => ({
  pair: `signin:pair:${account}|${addressBucket(ip)}`,
  address: `signin:ip:${addressBucket(ip)}`,
  account: `signin:account:${account}`,
});

export type AttemptResult = { ok: true } | { ok: false; retryAfterSeconds: number; scope: keyof Limits };

/**
 * Counts one sign-in attempt (a password or a second-factor code) for `account` from `ip`.
 * The per-account key is counted only when the address-scoped keys let the attempt through,
 * so attempts refused for their address never count against the person's account.
 */
export async function countSignInAttempt(db: Db, account: string, ip: string | null): Promise<AttemptResult> {
  const l = limits();
  const k = keysOf(account, ip);
  const [pair, address] = await Promise.all([countHit(db, k.pair, l.pair), countHit(db, k.address, l.address)]);
  const over = [
    { scope: "pair" as const, s: pair, max: l.pair.max },
    { scope: "address" as const, s: address, max: l.address.max },
  ].filter((x) => x.s.count > x.max);
  if (over.length > 0) {
    const worst = over.reduce((a, b) => (a.s.retryAfterSeconds >= b.s.retryAfterSeconds ? a : b));
    return { ok: false, retryAfterSeconds: worst.s.retryAfterSeconds, scope: worst.scope };
  }
  const acct = await countHit(db, k.account, l.account);
  if (acct.count > l.account.max) return { ok: false, retryAfterSeconds: acct.retryAfterSeconds, scope: "account" };
  return { ok: true };
}

/** After a complete sign-in: the pair's failures are forgotten, the attempt given back elsewhere. */
export async function settleSignInSuccess(db: Db, account: string, ip: string | null): Promise<void> {
  const k = keysOf(account, ip);
  await Promise.all([clearLimit(db, k.pair), refundHit(db, k.address), refundHit(db, k.account)]);
}

const LINK_WINDOW_SECONDS = 600;

/**
 * Invitation and password-reset tokens: each check from an address counts before the token is
 * looked up (and before any password hashing); a valid token gives its attempt back, so only
 * wrong tokens use up the limit. Throws `rate_limited`.
 */
export async function countLinkAttempt(db: Db, ip: string | null): Promise<void> {
  const limit = { max: env().CLAIMLINK_LINK_FAILURES_PER_IP, windowSeconds: LINK_WINDOW_SECONDS };
  const s = await countHit(db, `link:ip:${addressBucket(ip)}`, limit);
  if (s.count > limit.max) {
    throw new AppError("rate_limited", "Too many invalid links from your network. Try again later.", {
      retryAfterSeconds: s.retryAfterSeconds,
    });
  }
}

export async function refundLinkAttempt(db: Db, ip: string | null): Promise<void> {
  await refundHit(db, `link:ip:${addressBucket(ip)}`);
}
