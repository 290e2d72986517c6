import { openDatabase, type Database } from "./client";

/**
 * The database integration tests run on: the PostgreSQL of DATABASE_URL when it is set (as
 * .ci/run does), else a fresh in-memory PGlite. Both get the committed migrations.
 */
export function openTestDatabase(): Promise<Database> {
  const url = process.env.DATABASE_URL;
  return url ? openDatabase({ driver: "postgres", url, max: 4 }) : openDatabase({ driver: "pglite", dataDir: null });
}

let n = 0;
/** An email no other test (or earlier run on the same PostgreSQL) has used. */
export function uniqueEmail(tag = "user"): string {
  return `${tag}.${Date.now().toString(36)}${(n++).toString(36)}${Math.random().toString(36).slice(2, 6)}@example.org`;
}
