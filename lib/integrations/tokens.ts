import { randomBytes } from "node:crypto";
import { and, desc, eq, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { canReadStaffData } from "../auth/roles";
import { base32Encode } from "../crypto/base32";
import { sha256Hex } from "../crypto/tokens";
import type { Db } from "../db/client";
import { apiTokens, users, type ApiToken } from "../db/schema";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import { newId, notFound } from "../ids";
import { studyReader } from "../studies/access";
import { newTokenSchema, studyOfScope, type Scope } from "./schemas";

// API tokens (docs/integrations.md): created by a person for a program that reads on their
// behalf, within the scopes they chose and their own rights. Shown once; stored as a SHA-256.

export type TokenOwner = { id: string; role: string };

export type TokenView = {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  state: "active" | "expired" | "revoked";
};

export function toTokenView(t: ApiToken, now = new Date()): TokenView {
  return {
    id: t.id,
    name: t.name,
    prefix: t.displayPrefix,
    scopes: t.scopes,
    createdAt: t.createdAt.toISOString(),
    expiresAt: t.expiresAt.toISOString(),
    lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
    revokedAt: t.revokedAt?.toISOString() ?? null,
    state: t.revokedAt ? "revoked" : t.expiresAt <= now ? "expired" : "active",
  };
}

/**
 * Whether `owner` may hold `scope` now: `devices:read` anyone (their own devices);
 * `fleet:read` and `audit:read` staff and support; `study:<id>:read` whoever may read that
 * study (staff, support, a researcher with a grant). Checked at creation and on every use, so
 * a token never outlives its owner's rights.
 */
export async function mayHoldScope(db: Db, owner: TokenOwner, scope: string): Promise<boolean> {
  if (scope === "devices:read") return true;
  if (scope === "fleet:read" || scope === "audit:read") return canReadStaffData(owner.role);
  const studyId = studyOfScope(scope);
  if (!studyId) return false;
  return studyReader(db, owner, studyId).then(
    () => true,
    (e) => {
      if (e instanceof AppError && e.code === "study_not_found") return false;
      throw e;
    },
  );
}

/** A new token: `clk_` and 52 base32 characters (256 random bits). */
function mintToken(): string {
  return `clk_${base32Encode(randomBytes(32))}`;
}

export async function createToken(
  db: Db,
  actor: Actor,
  owner: TokenOwner,
  input: unknown,
): Promise<{ token: string; view: TokenView }> {
  const { name, scopes, expiresInDays } = parseOrThrow(newTokenSchema, input);
  for (const scope of scopes) {
    if (!(await mayHoldScope(db, owner, scope)))
      throw new AppError("forbidden", `Your account may not create a token with the scope ${scope}.`);
  }
  const token = mintToken();
  const now = new Date();
  const row = {
    id: newId("tok"),
    userId: owner.id,
    name,
    tokenHash: sha256Hex(token),
    displayPrefix: token.slice(0, 8),
    scopes: scopes as Scope[],
    createdAt: now,
    expiresAt: new Date(now.getTime() + expiresInDays * 86_400_000),
  };
  const [created] = await db.transaction(async (tx) => {
    const inserted = await tx.insert(apiTokens).values(row).returning();
    await recordAudit(tx, actor, {
      action: "token.created",
      outcome: "success",
      subjectUserId: owner.id,
      detail: { tokenId: row.id, scopes, expiresAt: row.expiresAt.toISOString() },
    });
    return inserted;
  });
  return { token, view: toTokenView(created, now) };
}

export async function listTokensOf(db: Db, userId: string): Promise<TokenView[]> {
  const rows = await db.select().from(apiTokens).where(eq(apiTokens.userId, userId)).orderBy(desc(apiTokens.createdAt));
  return rows.map((r) => toTokenView(r));
}

/** Every token, for staff: who holds it (their email), never the token. */
export async function listAllTokens(db: Db): Promise<(TokenView & { owner: string })[]> {
  const rows = await db
    .select({ token: apiTokens, owner: users.email })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .orderBy(desc(apiTokens.createdAt))
    .limit(1000);
  return rows.map((r) => ({ ...toTokenView(r.token), owner: r.owner }));
}

/**
 * Revokes a token at once: the next request with it is refused. `ownerId` limits it to the
 * person's own tokens (another's answers `not_found`); staff pass none. Revoking twice is a no-op.
 */
export async function revokeToken(db: Db, actor: Actor, tokenId: string, ownerId?: string): Promise<TokenView> {
  return db.transaction(async (tx) => {
    const [t] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.id, tokenId), ownerId ? eq(apiTokens.userId, ownerId) : undefined))
      .for("update");
    if (!t) throw notFound("tok");
    if (t.revokedAt) return toTokenView(t);
    const [revoked] = await tx
      .update(apiTokens)
      .set({ revokedAt: new Date() })
      .where(and(eq(apiTokens.id, tokenId), isNull(apiTokens.revokedAt)))
      .returning();
    await recordAudit(tx, actor, {
      action: "token.revoked",
      outcome: "success",
      subjectUserId: t.userId,
      detail: { tokenId },
    });
    return toTokenView(revoked);
  });
}
