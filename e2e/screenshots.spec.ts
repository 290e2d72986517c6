import { mkdirSync } from "node:fs";
import path from "node:path";
import { test } from "@playwright/test";
import { buildFixture, settled, PAGES, type Fixture, type Role, type Sessions } from "./pages";

// `npm run screenshots`: the main pages (those e2e/pages.ts marks `screenshot`) at a phone's
// width and a laptop's, written to docs/screenshots/<page>-<width>.png. Not part of `npm test`.
const OUT = path.resolve("docs/screenshots");
test.describe.configure({ mode: "serial" });

let fixture: Fixture;
let sessions: Sessions;
test.beforeAll(async () => {
  test.setTimeout(120_000);
  ({ fixture, sessions } = await buildFixture());
  mkdirSync(OUT, { recursive: true });
});

/** The role each page is pictured as: its first that is not the signed-out one, if any. */
const as = (roles: Role[]): Role => roles.find((r) => r === "participant" || r === "staff") ?? roles[0];

for (const width of [390, 1280])
  test(`screenshots at ${width} px`, async ({ browser }) => {
    test.setTimeout(300_000);
    for (const entry of PAGES.filter((p) => p.screenshot)) {
      const role = as(entry.roles);
      const context = await browser.newContext({
        viewport: { width, height: width < 600 ? 844 : 800 },
        deviceScaleFactor: 1,
        colorScheme: "light",
        timezoneId: "Europe/Amsterdam",
        storageState: role === "signed-out" ? undefined : await sessions[role].storageState(),
      });
      const page = await context.newPage();
      await page.goto(entry.path(fixture));
      await page.locator("main h1").first().waitFor();
      if (entry.ready) await page.locator(entry.ready).first().waitFor();
      await settled(page);
      if (entry.prepare) await entry.prepare(page, "en");
      await page.screenshot({ path: path.join(OUT, `${entry.name}-${width}.png`), fullPage: true });
      await context.close();
    }
  });
