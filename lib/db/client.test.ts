import { sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { IDLE_IN_TRANSACTION_MS, openDatabase, retryingNeverSent, rowsOf } from "./client";

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

describe("a statement whose connection PostgreSQL ended before it was sent", () => {
  // postgres.js rejects a statement with the session-ended codes only when it was waiting for
  // its connection to open: it never ran, so the pool sends it once more.
  type Pending = PromiseLike<unknown> & { values(): PromiseLike<unknown> };
  function pool(failures: { code: string }[]) {
    const sent: string[] = [];
    const client = {
      options: { parsers: {} },
      unsafe(query: string): Pending {
        const answer = () => {
          sent.push(query);
          const f = failures.shift();
          return f ? Promise.reject(Object.assign(new Error(f.code), f)) : Promise.resolve([{ query }]);
        };
        return { then: (ok, fail) => answer().then(ok, fail), values: () => answer() };
      },
    };
    return { client: retryingNeverSent(client), sent };
  }

  it("is sent once more after 57P01, 57P02 or 57P03, and answers", async () => {
    for (const code of ["57P01", "57P02", "57P03"]) {
      const { client, sent } = pool([{ code }]);
      expect(await client.unsafe("select 1")).toEqual([{ query: "select 1" }]);
      expect(sent).toEqual(["select 1", "select 1"]);
    }
    const { client, sent } = pool([{ code: "57P01" }]);
    expect(await client.unsafe("select 2").values()).toEqual([{ query: "select 2" }]);
    expect(sent).toHaveLength(2);
  });

  it("is not sent again after a lost connection or a statement's own error (it may have run), nor a third time", async () => {
    for (const code of ["CONNECTION_CLOSED", "ECONNRESET", "23505"]) {
      const { client, sent } = pool([{ code }]);
      await expect(client.unsafe("insert")).rejects.toMatchObject({ code });
      expect(sent).toEqual(["insert"]);
    }
    const { client, sent } = pool([{ code: "57P01" }, { code: "57P01" }]);
    await expect(client.unsafe("select 3")).rejects.toMatchObject({ code: "57P01" });
    expect(sent).toHaveLength(2);
  });

  it("keeps the rest of the pool as it is", () => {
    const { client } = pool([]);
    expect(client.options).toEqual({ parsers: {} });
  });
});
