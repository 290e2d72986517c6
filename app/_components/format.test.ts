import { describe, expect, it } from "vitest";
import { agoParts, formatValue, propertyLabel } from "./format";

describe("a reading as a person reads it", () => {
  it("is written as each language writes numbers and degrees", () => {
    expect(formatValue(21.5, "Cel")).toBe("21.5°C");
    expect(formatValue(21.5, "Cel", undefined, "en-GB")).toBe("21.5°C");
    expect(formatValue(21.5, "Cel", undefined, "nl-NL")).toBe("21,5 °C");
    expect(formatValue(48, "%", undefined, "nl-NL")).toBe("48,0%");
    expect(formatValue(1234, "ppm", undefined, "nl-NL")).toBe("1.234 ppm");
    expect(formatValue(1234, "ppm", undefined, "en-GB")).toBe("1,234 ppm");
    expect(formatValue(0.25, null, 2, "nl-NL")).toBe("0,25");
  });

  it("names known properties in the reader's words and any other by its own words", () => {
    expect(propertyLabel("temperature")).toBe("Temperature");
    expect(propertyLabel("temperature", { temperature: "Temperatuur" })).toBe("Temperatuur");
    expect(propertyLabel("wind_speed", { temperature: "Temperatuur" })).toBe("Wind speed");
  });

  it("says how long ago in the largest whole unit", () => {
    const now = Date.parse("2026-01-10T12:00:00Z");
    const before = (s: number) => new Date(now - s * 1000);
    expect(agoParts(null, now)).toEqual({ unit: "never", n: 0 });
    expect(agoParts(before(59), now)).toEqual({ unit: "now", n: 0 });
    expect(agoParts(before(5 * 60 + 59), now)).toEqual({ unit: "minutes", n: 5 });
    expect(agoParts(before(3 * 3600), now)).toEqual({ unit: "hours", n: 3 });
    expect(agoParts(before(2 * 86_400 + 5), now)).toEqual({ unit: "days", n: 2 });
  });
});
