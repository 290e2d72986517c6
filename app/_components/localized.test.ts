import { describe, expect, it } from "vitest";
import { localized } from "./localized";

describe("a study's text in the reader's language", () => {
  it("is the reader's language when the study has it, else the other", () => {
    const both = { en: "Floor area of your home", nl: "Oppervlakte van je huis" };
    expect(localized(both, "nl")).toBe("Oppervlakte van je huis");
    expect(localized(both, "en")).toBe("Floor area of your home");
    expect(localized({ en: "Warm homes" }, "nl")).toBe("Warm homes");
    expect(localized({ nl: "Warme huizen" }, "en")).toBe("Warme huizen");
    expect(localized({ nl: "", en: "Warm homes" }, "nl")).toBe("Warm homes");
    expect(localized({ nl: "Warme huizen" })).toBe("Warme huizen");
    expect(localized(null, "nl")).toBe("");
  });
});
