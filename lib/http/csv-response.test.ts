import { describe, expect, it } from "vitest";
import { csvResponse } from "./csv-response";

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
    expect(await res.text()).toBe("a,b\r\n1,é\r\n2,ü\r\n");
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
});
