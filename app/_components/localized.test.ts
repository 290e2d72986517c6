import { describe, expect, it } from "vitest";
import { localized, localizedIn } from "./localized";

describe("a study text in the reader's language", () => {
  it("gives the reader's own language when it is there", () => {
    const t = { nl: "Hoe warm is je huis?", en: "How warm is your home?" };
    expect(localizedIn(t, "nl")).toEqual({ text: "Hoe warm is je huis?", lang: "nl" });
    expect(localizedIn(t, "en")).toEqual({ text: "How warm is your home?", lang: "en" });
  });

  it("falls back to the other language when the reader's is missing, empty or blank", () => {
    expect(localizedIn({ en: "Only English" }, "nl")).toEqual({ text: "Only English", lang: "en" });
    expect(localizedIn({ nl: "", en: "Only English" }, "nl")).toEqual({ text: "Only English", lang: "en" });
    expect(localizedIn({ nl: "Alleen Nederlands", en: "  " }, "en")).toEqual({ text: "Alleen Nederlands", lang: "nl" });
  });

  it("is empty when neither language has text, and English first without a language", () => {
    expect(localized({}, "nl")).toBe("");
    expect(localized(null)).toBe("");
    expect(localized({ nl: "Nederlands", en: "English" })).toBe("English");
  });
});
