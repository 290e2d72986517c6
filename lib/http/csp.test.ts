import { describe, expect, it } from "vitest";
import { contentSecurityPolicy } from "./csp";

const directives = (csp: string) =>
  Object.fromEntries(csp.split("; ").map((d) => [d.split(" ")[0], d.split(" ").slice(1)]));

describe("contentSecurityPolicy (docs/decisions/0013)", () => {
  it("allows scripts and <style> elements only with the request's nonce in production", () => {
    const d = directives(contentSecurityPolicy("abc123", false));
    expect(d["script-src"]).toEqual(["'self'", "'nonce-abc123'", "'strict-dynamic'"]);
    expect(d["style-src"]).toEqual(["'self'", "'nonce-abc123'"]);
    expect(Object.values(d).flat()).not.toContain("'unsafe-eval'");
    expect(d["script-src"]).not.toContain("'unsafe-inline'");
  });

  it("allows inline style attributes and nothing more (server-rendered style props, Radix positions)", () => {
    const d = directives(contentSecurityPolicy("abc123", false));
    expect(d["style-src-attr"]).toEqual(["'unsafe-inline'"]);
    expect(d["style-src-elem"]).toBeUndefined();
  });

  it("keeps frames, objects, base and forms to our own origin", () => {
    const d = directives(contentSecurityPolicy("n", false));
    expect(d["frame-ancestors"]).toEqual(["'none'"]);
    expect(d["object-src"]).toEqual(["'none'"]);
    expect(d["base-uri"]).toEqual(["'self'"]);
    expect(d["form-action"]).toEqual(["'self'"]);
  });
});
