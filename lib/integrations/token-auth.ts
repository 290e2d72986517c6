import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { SessionUser } from "../auth/session-user";
import { sha256Hex } from "../crypto/tokens";
import type { Db } from "../db/client";
import { apiTokens, users } from "../db/schema";
import { AppError } from "../errors/app-error";
import { countHit } from "../rate-limit";
import { TOKEN_PATTERN, type RouteScope } from "./schemas";
import { mayHoldScope } from "./tokens";

// The API token of a request (docs/integrations.md): `Authorization: Bearer clk_…` on a read
// route that names the scope it needs. A token never stands in for a person's session: the
// routes that take one declare it, and a request that carries one is judged by it alone.

/** The bearer token of a request, if it carries `Authorization: Bearer …` (of any shape). */
export function bearerOf(req: Request): string | null {
  const m = /^Bearer[ ]+(\S+)[ ]*$/i.exec(req.headers.get("authorization") ?? "");
  return m ? m[1] : null;
}

export type TokenCaller = { user: SessionUser; actor: Actor; tokenId: string };

/** Staff-scope reads are audited (capped per token); a person's own `devices:read` is not. */
const AUDITED_USES = { max: 20, windowSeconds: 600 };
/** `last_used_at` is written at most this often per token, not on every request. */
const LAST_USED_EVERY_SECONDS = 60;

/**
 * Authenticates `token` for a route that needs `scope` (`study:read`: the study in the path,
 * `studyId`). Refusals: `invalid_token` (401: malformed, unknown, revoked, expired, or its
 * account disabled or deleted), `insufficient_scope` (403: not granted, or its owner may no
 * longer read this), `rate_limited` (429, per token).
 */
export async function authenticateToken(
  db: Db,
  token: string,
  scope: RouteScope,
  o: { ip: string | null; method: string; path: string; studyId?: string; perMinute: number },
): Promise<TokenCaller> {
  if (!TOKEN_PATTERN.test(token)) throw new AppError("invalid_token", "This is not a Claimlink API token.");
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(eq(apiTokens.tokenHash, sha256Hex(token)));
  if (!row) throw new AppError("invalid_token", "This API token is not known.");
  const { token: t, user } = row;
  if (t.revokedAt) throw new AppError("invalid_token", "This API token was revoked.");
  if (t.expiresAt <= new Date()) throw new AppError("invalid_token", "This API token has expired.");
  if (user.disabledAt || user.deletedAt)
    throw new AppError("invalid_token", "The account this API token belongs to is disabled.");

  const limit = await countHit(db, `token:${t.id}`, { max: o.perMinute, windowSeconds: 60 });
  if (limit.count > o.perMinute)
    throw new AppError("rate_limited", "This API token made too many requests. Try again shortly.", {
      retryAfterSeconds: limit.retryAfterSeconds,
    });

  const needed = scope === "study:read" ? `study:${o.studyId}:read` : scope;
  if (!t.scopes.includes(needed))
    throw new AppError("insufficient_scope", `This route needs a token with the scope ${needed}.`);
  const owner = { id: user.id, role: user.role };
  if (!(await mayHoldScope(db, owner, needed)))
    throw new AppError("insufficient_scope", `The token's account may no longer read with the scope ${needed}.`);

  await db
    .update(apiTokens)
    .set({ lastUsedAt: sql`now()` })
    .where(
      and(
        eq(apiTokens.id, t.id),
        or(
          isNull(apiTokens.lastUsedAt),
          lt(apiTokens.lastUsedAt, sql`now() - make_interval(secs => ${LAST_USED_EVERY_SECONDS})`),
        ),
      ),
    );
  const actor: Actor = { id: user.id, label: `${user.email} (token ${t.displayPrefix})`, ip: o.ip };
  if (needed !== "devices:read") {
    const { count } = await countHit(db, `audit:token.used:${t.id}`, AUDITED_USES);
    if (count <= AUDITED_USES.max)
      await recordAudit(db, actor, {
        action: "token.used",
        outcome: "success",
        subjectUserId: user.id,
        detail: { tokenId: t.id, scope: needed, method: o.method, path: o.path },
      });
  }
  return {
    tokenId: t.id,
    actor,
    user: {
      id: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
      sessionId: t.id,
      twoFactor: user.totpEnabledAt !== null,
      mustEnrol: false,
      locale: user.locale ?? null,
    },
  };
}
