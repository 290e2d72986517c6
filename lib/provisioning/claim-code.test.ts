import { describe, expect, it } from "vitest";
import { groupCode, parseScannedCode, parseTypedCode } from "./claim-code";

const sid = "MFRGGZDFMZTWQ2LKNNWG23TPOA";
const pop = "W53B7GLAZNR4AYB3JAGRCVVAME";
const origin = "https://claimlink.example.org";

describe("reading a claim code", () => {
  it("reads the QR's URL", () => {
    expect(parseScannedCode(`${origin}/claim#${sid}.${pop}`, origin)).toEqual({ ok: true, code: { sid, pop } });
  });
  it("names a Claimlink code of another server, and refuses anything else", () => {
    expect(parseScannedCode(`https://other.example/claim#${sid}.${pop}`, origin)).toEqual({
      ok: false,
      reason: "other_server",
      host: "other.example",
    });
    expect(parseScannedCode("https://example.com/menu", origin)).toEqual({ ok: false, reason: "not_claimlink" });
    expect(parseScannedCode(`${origin}/claim#${sid}`, origin)).toEqual({ ok: false, reason: "not_claimlink" });
    expect(parseScannedCode("WIFI:S:home;T:WPA;P:secret;;", origin)).toEqual({ ok: false, reason: "not_claimlink" });
  });
  it("reads typed codes in any case, with spaces, dashes, or without the dot", () => {
    const grouped = groupCode({ sid, pop });
    expect(grouped).toBe("MFRG GZDF MZTW Q2LK NNWG 23TP OA . W53B 7GLA ZNR4 AYB3 JAGR CVVA ME");
    expect(parseTypedCode(grouped.toLowerCase())).toEqual({ sid, pop });
    expect(parseTypedCode(`${sid}-${pop}`.replace("-", ""))).toEqual({ sid, pop });
    expect(parseTypedCode(`${sid}.${pop}`.replace(/(.{4})/g, "$1-"))).toEqual({ sid, pop });
    expect(parseTypedCode(`${sid}.${pop.slice(1)}`)).toBeNull();
    expect(parseTypedCode(`${sid}.${pop}.X`)).toBeNull();
    expect(parseTypedCode(`${sid}.${pop.replace("W", "1")}`)).toBeNull();
  });
});
