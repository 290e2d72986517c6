import path from "node:path";
import { expect, type Page } from "@playwright/test";

// Pages looked at as a phone and a laptop show them: nothing may scroll sideways, and a
// screenshot of each width is saved under e2e/.tmp for a person to look at (never compared).

/** A phone's width and a laptop's. */
export const SHOT_WIDTHS = [390, 1280] as const;
const SHOT_HEIGHT = 900;

/** How far the page reaches past the viewport's right edge, in CSS pixels (0 or less: it fits). */
export const sidewaysBy = (page: Page) =>
  page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);

/** The innermost elements that reach past the viewport's right edge: named in a failure, to find the cause. */
export const pastTheEdge = (page: Page) =>
  page.evaluate(() => {
    const edge = document.documentElement.clientWidth;
    const past = [...document.querySelectorAll("body *")].filter((e) => e.getBoundingClientRect().right > edge + 0.5);
    return past
      .filter((e) => !past.some((o) => o !== e && e.contains(o)))
      .slice(0, 5)
      .map((e) => {
        const r = e.getBoundingClientRect();
        const cls = typeof e.className === "string" ? e.className.split(/\s+/).slice(0, 4).join(".") : "";
        const text = (e.textContent ?? "").trim().slice(0, 40);
        return `${e.tagName.toLowerCase()}${cls ? `.${cls}` : ""} [${Math.round(r.left)}..${Math.round(r.right)}] "${text}"`;
      });
  });

/** The failure message of a page that scrolls sideways: by how much, and what reaches past the edge. */
export async function sidewaysMessage(page: Page, what: string, by: number) {
  return `${what} by ${by} px: ${by > 0 ? (await pastTheEdge(page)).join("; ") : ""}`;
}

export type ShotOptions = {
  /** Check that nothing scrolls sideways at each width (default true). */
  fits?: boolean;
  /** The whole page (default), or only the viewport (a dialog over the page). */
  fullPage?: boolean;
};

/**
 * A spec's `shoot(page, name)`: the page at 390 and 1280 px saved as `<dir>/<name>-<width>.png`,
 * after checking it does not scroll sideways (unless `fits: false`). The viewport is left at
 * 1280 x 900.
 */
export function screenshotsIn(dir: string, defaults: ShotOptions = {}) {
  return async (page: Page, name: string, options: ShotOptions = {}) => {
    const { fits = true, fullPage = true } = { ...defaults, ...options };
    for (const width of SHOT_WIDTHS) {
      await page.setViewportSize({ width, height: SHOT_HEIGHT });
      if (fits) await expectFits(page, `${name} at ${width} px scrolls sideways`);
      await page.screenshot({ path: path.join(dir, `${name}-${width}.png`), fullPage });
    }
  };
}

/** Nothing scrolls sideways; a chart redraws at a new width a moment after a resize, so this waits up to 5 s. */
export async function expectFits(page: Page, what: string) {
  await expect(async () => {
    const by = await sidewaysBy(page);
    expect(by, await sidewaysMessage(page, what, by)).toBeLessThanOrEqual(0);
  }).toPass({ timeout: 5_000 });
}
