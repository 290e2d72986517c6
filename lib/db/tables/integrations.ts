import { sql } from "drizzle-orm";
import { index, jsonb, pgTable, text, uniqueIndex, check } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { users } from "./accounts";

// Integrations: API tokens that researchers' pipelines and staff dashboards read with
// (docs/integrations.md). A token is shown once; the table keeps its SHA-256 and a short
// display prefix, never the token.

export const apiTokens = pgTable(
  "api_tokens",
  {
    id: text("id").primaryKey(), // tok_...
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    // hex SHA-256 of the whole token (`clk_` + 52 base32 characters): the lookup key.
    tokenHash: text("token_hash").notNull(),
    // The first characters of the token (`clk_ABCD`), shown in lists so a person can tell them apart.
    displayPrefix: text("display_prefix").notNull(),
    scopes: jsonb("scopes").$type<string[]>().notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [
    uniqueIndex("api_tokens_hash_key").on(t.tokenHash),
    index("api_tokens_user_idx").on(t.userId, t.createdAt),
    check("api_tokens_expiry_after_creation", sql`${t.expiresAt} > ${t.createdAt}`),
  ],
);

export type ApiToken = typeof apiTokens.$inferSelect;
