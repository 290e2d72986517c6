import { describe, expect, it } from "vitest";
import { safeReturnPath, signInMessage } from "./messages";

describe("sign-in messages", () => {
  it("says when to retry after too many attempts", () => {
    expect(signInMessage("rate_limited_899")).toBe("Too many failed attempts. Try again in 15 minutes.");
    expect(signInMessage("rate_limited_30")).toBe("Too many failed attempts. Try again in 1 minute.");
  });
  it("gives one message for every wrong credential", () => {
    expect(signInMessage("invalid_credentials")).toBe("That email and password do not match an active account.");
  });
});

describe("where sign-in returns to", () => {
  it("allows a path on this site and nothing else", () => {
    expect(safeReturnPath("/claim")).toBe("/claim");
    expect(safeReturnPath("/staff/audit?account=usr_X")).toBe("/staff/audit?account=usr_X");
    for (const bad of ["https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)", 42, null])
      expect(safeReturnPath(bad)).toBe("/");
  });
});
