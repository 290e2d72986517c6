import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { openTestDatabase } from "../db/test-database";
import { asAppError } from "./problem";

let database: Database;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(() => database.close());

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
