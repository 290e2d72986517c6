import { describe, expect, it } from "vitest";
import { fromAcceptLanguage, resolveLocale } from "./locales";

describe("the language a person reads", () => {
  it("takes the account's choice first, then the browser's remembered choice, then Accept-Language, then the default", () => {
    const all = { account: "nl", cookie: "en", acceptLanguage: "en", fallback: "en" } as const;
    expect(resolveLocale(all)).toBe("nl");
    expect(resolveLocale({ ...all, account: null })).toBe("en");
    expect(resolveLocale({ ...all, account: null, cookie: null, acceptLanguage: "nl-NL,nl;q=0.9" })).toBe("nl");
    expect(resolveLocale({ fallback: "nl" })).toBe("nl");
  });

  it("ignores values it does not speak, wherever they come from", () => {
    expect(resolveLocale({ account: "de", cookie: "xx", acceptLanguage: "fr-FR,de;q=0.8", fallback: "en" })).toBe("en");
    expect(resolveLocale({ cookie: "<script>", fallback: "nl" })).toBe("nl");
  });

  it("reads Accept-Language by its weights and regions", () => {
    expect(fromAcceptLanguage("de-DE,de;q=0.9,nl;q=0.8,en;q=0.7")).toBe("nl");
    expect(fromAcceptLanguage("en-US,en;q=0.5,nl;q=0.9")).toBe("en"); // q=1 first
    expect(fromAcceptLanguage("nl-BE")).toBe("nl");
    expect(fromAcceptLanguage("nl;q=0,en;q=0.1")).toBe("en");
    expect(fromAcceptLanguage("*")).toBeNull();
    expect(fromAcceptLanguage("")).toBeNull();
    expect(fromAcceptLanguage(null)).toBeNull();
  });
});
