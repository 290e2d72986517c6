import { sql } from "drizzle-orm";
import { describe, expect, it, vi } from "vitest";
import { openTestDatabase } from "../db/test-database";
import { csvResponse } from "./csv";

describe("csvResponse", () => {
  it("streams every chunk as a UTF-8 CSV attachment with a safe file name", async () => {
    async function* chunks() {
      yield "a,b\r\n";
      yield "1,é\r\n";
      yield "2,ü\r\n";
    }
    const res = await csvResponse(chunks(), 'fleet "x"/../.csv');
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="fleet__x__.._.csv"');
    expect(res.headers.get("cache-control")).toBe("no-store");
    // A byte-order mark first, so spreadsheets read the file as UTF-8.
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes)).toBe("\uFEFFa,b\r\n1,é\r\n2,ü\r\n");
  });

  it("fails before answering when the first page fails, so the route answers problem+json", async () => {
    async function* chunks() {
      yield "a,b\r\n";
      throw new Error("database down");
    }
    await expect(csvResponse(chunks(), "x.csv")).rejects.toThrow("database down");
  });

  it("ends a download that fails later with an error rather than a silently short file", async () => {
    async function* chunks() {
      yield "a\r\n";
      yield "1\r\n";
      throw new Error("lost connection");
    }
    const res = await csvResponse(chunks(), "x.csv");
    await expect(res.text()).rejects.toThrow();
  });

  it("logs a database error that ends a download by its class and code, never the query's parameters", async () => {
    const database = await openTestDatabase();
    const secret = "c2VjcmV0LXRva2VuLWhhc2g";
    const dbError = await database.db.execute(sql`select ${secret}::int`).catch((e: unknown) => e);
    await database.close();
    async function* chunks() {
      yield "a\r\n";
      yield "1\r\n";
      throw dbError;
    }
    const log = vi.spyOn(console, "error").mockImplementation(() => {});
    try {
      const res = await csvResponse(chunks(), "x.csv");
      const failure = await res.text().catch((e: Error) => e);
      expect(String(failure)).not.toContain(secret);
      const logged = log.mock.calls.map((args) => args.map(String).join(" ")).join("\n");
      expect(logged).toMatch(/export failed mid-stream.*22P02/);
      expect(logged).not.toContain(secret);
    } finally {
      log.mockRestore();
    }
  });
});
