import path from "node:path";
import type { Db } from "./client";

export const MIGRATIONS_FOLDER = path.resolve(process.cwd(), "drizzle");

// Any fixed number: the advisory lock that serialises migrations between app processes.
const MIGRATION_LOCK_ID = 7204415;

/** Applies the committed migrations in drizzle/ to an embedded database (idempotent). */
export async function migrateEmbedded(db: Db): Promise<void> {
  const { migrate } = await import("drizzle-orm/pglite/migrator");
  await migrate(db as never, { migrationsFolder: MIGRATIONS_FOLDER });
}

/**
 * Applies the committed migrations to PostgreSQL (idempotent), on one dedicated connection
 * holding an advisory lock, so app processes that start together migrate one after another.
 */
export async function migratePostgres(url: string): Promise<void> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const { migrate } = await import("drizzle-orm/postgres-js/migrator");
  const client = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await client`select pg_advisory_lock(${MIGRATION_LOCK_ID})`;
    await migrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
    await client`select pg_advisory_unlock(${MIGRATION_LOCK_ID})`;
  } finally {
    await client.end({ timeout: 5 });
  }
}
