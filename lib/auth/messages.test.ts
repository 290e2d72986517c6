import { createTranslator } from "next-intl";
import { describe, expect, it } from "vitest";
import en from "../../messages/en.json";
import nl from "../../messages/nl.json";
import { safeReturnPath, signInRefusal } from "./messages";

const say = (messages: typeof en, locale: "en" | "nl") => {
  const t = createTranslator({ locale, messages, namespace: "signIn.errors" });
  return (code: string | undefined) => {
    const r = signInRefusal(code);
    return t(r.key, r.values);
  };
};

describe("sign-in messages", () => {
  it("says when to retry after too many attempts, in the reader's language", () => {
    expect(say(en, "en")("rate_limited_899")).toBe("Too many failed attempts. Try again in 15 minutes.");
    expect(say(en, "en")("rate_limited_30")).toBe("Too many failed attempts. Try again in 1 minute.");
    expect(say(nl, "nl")("rate_limited_899")).toBe("Te vaak geprobeerd. Probeer het over 15 minuten opnieuw.");
    expect(say(nl, "nl")("rate_limited_30")).toBe("Te vaak geprobeerd. Probeer het over 1 minuut opnieuw.");
  });
  it("gives one message for every wrong credential, and a general one for anything else", () => {
    expect(say(en, "en")("invalid_credentials")).toBe("That email and password do not match an active account.");
    expect(say(nl, "nl")("invalid_credentials")).toBe(
      "Dit e-mailadres en wachtwoord horen niet bij een actief account.",
    );
    expect(signInRefusal("something_new")).toEqual({ key: "other" });
    expect(signInRefusal(undefined)).toEqual({ key: "other" });
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
