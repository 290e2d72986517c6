import { describe, expect, it } from "vitest";
import { servedOverHttps, strictTransportSecurity, transportWarnings } from "./transport";

describe("the public URL's scheme decides transport security", () => {
  it("sends HSTS and Secure cookies only for an https public URL", () => {
    expect(strictTransportSecurity("https://claimlink.example.org")).toBe("max-age=31536000; includeSubDomains");
    expect(strictTransportSecurity("http://localhost:3000")).toBeNull();
    expect(servedOverHttps("https://claimlink.example.org")).toBe(true);
    expect(servedOverHttps("http://claimlink.example.org")).toBe(false);
  });

  it("warns at start when production is served over plain http", () => {
    expect(transportWarnings("http://claimlink.example.org", "production")).toEqual([
      expect.stringContaining("plain HTTP"),
    ]);
    expect(transportWarnings("https://claimlink.example.org", "production")).toEqual([]);
    expect(transportWarnings("http://localhost:3000", "development")).toEqual([]);
  });
});
