import { describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { asAppError, DATABASE_RETRY_AFTER_SECONDS } from "./problem";
import { withTestDatabase } from "../test-helpers";

let database: Database;
withTestDatabase((d) => {
  database = d;
});

describe("logging an unexpected database error", () => {
  it("logs the error's class, SQLSTATE and the request id, never the query's parameters or values", async () => {
    const secret = "$argon2id$v=19$m=19456,t=2,p=1$c2VjcmV0LWhhc2g";
    const err = await database.db.execute(sql`select ${secret}::int`).catch((e: unknown) => e);
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      expect(asAppError(err, "req_db").code).toBe("internal_error");
      const logged = log.mock.calls.map((args) =>
        args.map((a) => (a instanceof Error ? a.stack : String(a))).join(" "),
      );
      expect(logged.join("\n")).not.toContain("c2VjcmV0LWhhc2g");
      expect(logged.join("\n")).toMatch(/\[req_db\].*DrizzleQueryError.*22P02/);
    } finally {
      log.mockRestore();
    }
  });
});

describe.skipIf(!process.env.DATABASE_URL)("a lost database connection (PostgreSQL)", () => {
  it("answers 503 database_unavailable with a wait, logs the code without the query, and the next query works", async () => {
    const { default: postgres } = await import("postgres");
    const url = process.env.DATABASE_URL!;
    const victim = postgres(url, { max: 1, onnotice: () => {} });
    const killer = postgres(url, { max: 1, onnotice: () => {} });
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const secret = "token-hash-c2VjcmV0LWhhc2g";
      const [{ pid }] = await victim<{ pid: number }[]>`select pg_backend_pid() as pid`;
      // The backend is terminated while it runs a query (as in a failover): deterministic.
      const running = victim`select pg_sleep(30), ${secret}::text`.catch((e: unknown) => e);
      await expect
        .poll(
          async () =>
            (
              await killer<{ n: number }[]>`select count(*)::int as n from pg_stat_activity
              where pid = ${pid} and wait_event = 'PgSleep'`
            )[0].n,
        )
        .toBe(1);
      await killer`select pg_terminate_backend(${pid})`;
      const err = await running;
      const appError = asAppError(err, "req_lost");
      expect(appError.code).toBe("database_unavailable");
      expect(appError.status).toBe(503);
      expect(appError.extra.retryAfterSeconds).toBe(DATABASE_RETRY_AFTER_SECONDS);
      const logged = log.mock.calls.map((args) =>
        args.map((a) => (a instanceof Error ? a.stack : String(a))).join(" "),
      );
      expect(logged.join("\n")).not.toContain("c2VjcmV0LWhhc2g");
      expect(logged.join("\n")).toMatch(/\[req_lost\] database error: .*code=(CONNECTION_CLOSED|57P01)/);
      // postgres.js may hand the server's FATAL to the next query: that one is a 503 too, and
      // then the pool has a new connection.
      let one: unknown = null;
      for (let i = 0; i < 3 && one === null; i++) {
        const r = await victim<{ one: number }[]>`select 1 as one`.catch((e: unknown) => e);
        if (Array.isArray(r)) one = r[0].one;
        else expect(asAppError(r, "req_next").code).toBe("database_unavailable");
      }
      expect(one).toBe(1);
    } finally {
      log.mockRestore();
      await victim.end({ timeout: 1 });
      await killer.end({ timeout: 1 });
    }
  });
});
