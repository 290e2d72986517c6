import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Browser, type Page } from "@playwright/test";
import {
  buildFixture,
  settled,
  LOCALES,
  PAGES,
  ROLES,
  type Fixture,
  type Locale,
  type PageEntry,
  type Role,
  type Sessions,
} from "./pages";
import { sidewaysBy, sidewaysMessage } from "./shots";

// Every page of e2e/pages.ts, as every role that may see it, at a phone's width and a laptop's,
// in English and in Dutch (longer words: docs/i18n.md):
// - accessibility: axe finds no serious or critical violation;
// - layout: nothing scrolls sideways at 360 px, and no word in a table cell, button, link,
//   label or term is broken across two lines (at 390 and 1280 px);
// - the strict CSP refuses nothing the page itself needs (no violation in the console).
// These do not depend on the database: they run on PGlite only (once per CI run).
test.skip(!!process.env.DATABASE_URL, "page checks run once, on the embedded database");
test.describe.configure({ mode: "serial" });

let fixture: Fixture;
let sessions: Sessions;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  ({ fixture, sessions } = await buildFixture());
});

/** Words split across lines inside the elements people read as units. */
function brokenWords(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const found = new Set<string>();
    const units = document.querySelectorAll(
      "td, th, button, a, label, dt, [role=menuitem], [role=tab], [role=option], [data-slot=badge]",
    );
    for (const el of units) {
      if (!(el as HTMLElement).checkVisibility?.({ checkOpacity: true, checkVisibilityCSS: true })) continue;
      const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        const text = node.textContent ?? "";
        for (const m of text.matchAll(/\S{2,}/g)) {
          const range = document.createRange();
          range.setStart(node, m.index!);
          range.setEnd(node, m.index! + m[0].length);
          const lines = new Set(
            [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top + r.height / 2)),
          );
          if (lines.size > 1) found.add(`${el.tagName.toLowerCase()}: "${m[0]}"`);
        }
      }
    }
    return [...found];
  });
}

async function expectNoSidewaysScroll(page: Page, what: string) {
  const by = await sidewaysBy(page);
  expect.soft(by, await sidewaysMessage(page, what, by)).toBeLessThanOrEqual(0);
}

async function open(browser: Browser, role: Role, width: number, locale: Locale) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: locale === "nl" ? "nl-NL" : "en-GB",
    storageState: role === "signed-out" ? undefined : await sessions[role].storageState(),
  });
  // The language this browser chose (docs/i18n.md, rule 2): the same for every role.
  await context.addCookies([{ name: "claimlink-locale", value: locale, url: test.info().project.use.baseURL! }]);
  const page = await context.newPage();
  const csp: string[] = [];
  page.on("console", (m) => /Content Security Policy|Refused to/.test(m.text()) && csp.push(m.text()));
  return { context, page, csp };
}

async function visit(page: Page, entry: PageEntry, locale: Locale) {
  // A fresh document each time: a path that differs only in its fragment would not load anew.
  await page.goto("about:blank");
  await page.goto(entry.path(fixture));
  await page.locator("main h1").first().waitFor();
  if (entry.ready) await page.locator(entry.ready).first().waitFor();
  await settled(page);
  if (entry.prepare) await entry.prepare(page, locale);
}

test("the layout checks see what they look for: a word broken letter by letter, a page wider than the screen", async ({
  page,
}) => {
  await page.setViewportSize({ width: 360, height: 600 });
  await page.setContent(
    `<table><tr><td style="width:40px;overflow-wrap:anywhere">claimlink@example.org</td></tr></table>` +
      `<button style="width:60px;word-break:break-all">Disable</button><div style="width:500px">wide</div>`,
  );
  expect(await brokenWords(page)).toEqual(['td: "claimlink@example.org"', 'button: "Disable"']);
  expect(await sidewaysBy(page)).toBeGreaterThan(0);
});

// In Dutch, the roles whose pages differ: a viewer and a support account see pages the participant
// and staff runs already check, with fewer controls; checking them again in Dutch cost ~2 minutes.
const ROLES_IN: Record<Locale, Role[]> = { en: ROLES, nl: ROLES.filter((r) => r !== "viewer" && r !== "support") };

for (const locale of LOCALES)
  for (const role of ROLES_IN[locale])
    for (const width of [390, 1280]) {
      const pages = PAGES.filter((p) => p.roles.includes(role));
      const title = `${role} at ${width} px${locale === "en" ? "" : ` in ${locale}`}`;
      test(`${title}: ${pages.length} pages pass axe and the layout checks`, async ({ browser }) => {
        test.setTimeout(60_000 + pages.length * 15_000);
        const { context, page, csp } = await open(browser, role, width, locale);
        for (const entry of pages) {
          await test.step(entry.name, async () => {
            await visit(page, entry, locale);
            expect
              .soft(await page.locator("html").getAttribute("lang"), `${entry.name}: the page's language`)
              .toBe(locale);
            if (process.env.PAGES_SHOTS)
              await page.screenshot({
                path: `e2e/.tmp/pages/${locale}-${role}-${width}-${entry.name}.png`,
                fullPage: true,
              });
            const axe = await new AxeBuilder({ page }).analyze();
            const serious = axe.violations
              .filter((v) => v.impact === "serious" || v.impact === "critical")
              .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
            expect.soft(serious, `${entry.name}: axe`).toEqual([]);
            expect.soft(await brokenWords(page), `${entry.name}: words broken across lines`).toEqual([]);
            await expectNoSidewaysScroll(page, `${entry.name}: scrolls sideways at ${width}`);
            if (width === 390) {
              await page.setViewportSize({ width: 360, height: 900 });
              await expectNoSidewaysScroll(page, `${entry.name}: scrolls sideways at 360`);
              await page.setViewportSize({ width, height: 900 });
            }
          });
        }
        expect(csp, "Content-Security-Policy violations").toEqual([]);
        await context.close();
      });
    }
