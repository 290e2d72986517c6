import { describe, expect, it } from "vitest";
import { csvCell, csvChunks, csvLine } from "./csv";

describe("CSV cells", () => {
  it("neutralises formulas: cells starting with = + - @ tab or CR are prefixed with '", () => {
    expect(csvCell('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvCell("+1+1")).toBe(`"'+1+1"`);
    expect(csvCell("-2")).toBe(`"'-2"`);
    expect(csvCell("@SUM(A1)")).toBe(`"'@SUM(A1)"`);
    expect(csvCell("\t=1")).toBe(`"'\t=1"`);
    expect(csvCell("a=b")).toBe("a=b");
  });
  it("quotes separators, quotes and line breaks, and writes times as ISO UTC", () => {
    expect(csvCell('say "hi", then\nleave')).toBe('"say ""hi"", then\nleave"');
    expect(csvCell(new Date(Date.UTC(2026, 10, 24, 9, 5, 1, 20)))).toBe("2026-11-24T09:05:01.020Z");
    expect(csvCell(null)).toBe("");
    expect(csvCell(42)).toBe("42");
    expect(csvCell(-3.5)).toBe("-3.5"); // a number is not a formula
    expect(csvCell("-3.5")).toBe(`"'-3.5"`); // text that looks like one is defused
    expect(csvLine(["a", 1, null])).toBe("a,1,\r\n");
  });
  it("streams a header and then each page's rows", async () => {
    async function* pages() {
      yield [1, 2];
      yield [];
      yield [3];
    }
    const out: string[] = [];
    for await (const c of csvChunks(["n"], pages(), (n) => [n])) out.push(c);
    expect(out.join("")).toBe("n\r\n1\r\n2\r\n3\r\n");
  });
});
