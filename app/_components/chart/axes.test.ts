import { describe, expect, it } from "vitest";
import { chartWindow, readingsIn, tickDecimals, timeTicks, yAxisWidth } from "./axes";

describe("the chart's axes", () => {
  it("spans the chosen range ending now, or at a released device's release", () => {
    const now = Date.UTC(2026, 11, 6, 12, 0, 0);
    expect(chartWindow("24h", now)).toEqual([now / 1000 - 86_400, now / 1000]);
    expect(chartWindow("7d", now)[1] - chartWindow("7d", now)[0]).toBe(7 * 86_400);
    const released = new Date(now - 3_600_000);
    expect(chartWindow("24h", now, released)).toEqual([now / 1000 - 3600 - 86_400, now / 1000 - 3600]);
    expect(chartWindow("24h", now, released.toISOString())[1]).toBe(now / 1000 - 3600);
  });

  it("labels ticks with enough decimals that two ticks never read the same", () => {
    expect(tickDecimals(0.02)).toBe(2);
    expect(tickDecimals(0.1)).toBe(1);
    expect(tickDecimals(0.5)).toBe(1);
    expect(tickDecimals(1)).toBe(0);
    expect(tickDecimals(200)).toBe(0);
    expect(tickDecimals(0.0001)).toBe(3);
    expect(tickDecimals(0)).toBe(0);
    const ticks = [20.08, 20.1, 20.12].map((t) => t.toFixed(tickDecimals(0.02)));
    expect(new Set(ticks).size).toBe(3);
  });

  it("makes the y axis wide enough for its longest label", () => {
    expect(yAxisWidth(["1,000 ppm", "800 ppm"])).toBeGreaterThanOrEqual(9 * 7);
    expect(yAxisWidth(["20.1°C"])).toBeLessThan(yAxisWidth(["1,000 ppm"]));
  });

  it("counts readings at distinct times, verified or not", () => {
    expect(readingsIn({ points: [[1, 2]], unverified: [] })).toBe(1);
    expect(readingsIn({ points: [[1, 2]], unverified: [[1, 3]] })).toBe(1);
    expect(readingsIn({ points: [[1, 2]], unverified: [[2, 3]] })).toBe(2);
  });

  it("labels times in the reader's locale and zone, 24-hour, with the day where a new one starts", () => {
    const at = (iso: string) => Date.parse(iso) / 1000;
    const ticks = [at("2026-12-06T20:00:00Z"), at("2026-12-06T22:00:00Z"), at("2026-12-07T00:00:00Z")];
    expect(timeTicks(ticks, 7200, "UTC", "nl-NL")).toEqual(["20:00\n6 dec", "22:00", "00:00\n7 dec"]);
    expect(timeTicks(ticks, 7200, "UTC", "en-GB")).toEqual(["20:00\n6 Dec", "22:00", "00:00\n7 Dec"]);
    // Amsterdam is an hour ahead in December: the new day starts a tick earlier.
    expect(timeTicks(ticks, 7200, "Europe/Amsterdam", "nl-NL")).toEqual(["21:00\n6 dec", "23:00", "01:00\n7 dec"]);
    expect(timeTicks([at("2026-12-01T00:00:00Z"), at("2026-12-02T00:00:00Z")], 86_400, "UTC", "nl-NL")).toEqual([
      "1 dec",
      "2 dec",
    ]);
  });
});
