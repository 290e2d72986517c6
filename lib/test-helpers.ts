import { afterAll, beforeAll } from "vitest";
import type { Database } from "./db/client";
import { openTestDatabase } from "./db/test-database";

// What the integration tests under lib/ share: the database for the file, and the code of a refusal.

/**
 * Opens the test database (PostgreSQL of DATABASE_URL, else a fresh PGlite) before the file's
 * tests and closes it after them; `use` receives it, for the file's own set-up.
 */
export function withTestDatabase(use: (database: Database) => void | Promise<void>): void {
  let database: Database | undefined;
  beforeAll(async () => {
    database = await openTestDatabase();
    await use(database);
  });
  afterAll(() => database?.close());
}

/** The code a use case refused with (`device_not_found`, …), or null when it went through. */
export const refusal = (p: Promise<unknown>): Promise<string | null> =>
  p.then(
    () => null,
    (e: { code?: string }) => e.code ?? String(e),
  );
