import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { IDLE_IN_TRANSACTION_MS, openDatabase, rowsOf } from "./client";

describe.skipIf(!process.env.DATABASE_URL)("the app's PostgreSQL pool", () => {
  it("has the database end a transaction left idle, so a stuck one cannot hold a connection and its locks", async () => {
    const database = await openDatabase({ driver: "postgres", url: process.env.DATABASE_URL!, max: 1 });
    try {
      const [row] = rowsOf<{ ms: string }>(
        await database.db.execute(
          sql`select setting as ms from pg_settings where name = 'idle_in_transaction_session_timeout'`,
        ),
      );
      expect(Number(row.ms)).toBe(IDLE_IN_TRANSACTION_MS);
    } finally {
      await database.close();
    }
  });
});
