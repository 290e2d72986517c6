import { expect, test } from "@playwright/test";
import { signedInApi } from "./api";
import { STAFF } from "./helpers";
import { screenshotsIn } from "./shots";

// The language of a page does not depend on the database: these run once, on the embedded one
// (the same flows run in English on both databases: studies-staff.spec.ts).
test.skip(!!process.env.DATABASE_URL, "Dutch pages are checked once, on the embedded database");

// Staff with a Dutch browser set up a study in the console: every heading, label, status and
// outcome in Dutch, a refusal in Dutch words chosen by its code, the study's own Dutch texts.

test.use({ locale: "nl-NL" });

const fitsAndShoot = screenshotsIn("e2e/.tmp/dutch-studies");

test("staff set up a study in Dutch: the list, a new study, a refusal, the consent text, recruiting, a question", async ({
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const staff = await signedInApi(STAFF.email, STAFF.password);
  const context = await browser.newContext({ locale: "nl-NL", storageState: await staff.storageState() });
  await context.addCookies([{ name: "claimlink-locale", value: "nl", url: baseURL! }]);
  const page = await context.newPage();

  await page.goto("/staff/studies");
  await expect(page.getByRole("heading", { name: "Onderzoeken", level: 1 })).toBeVisible();
  await page.getByRole("link", { name: "Nieuw onderzoek" }).first().click();
  await expect(page.getByRole("heading", { name: "Nieuw onderzoek", level: 1 })).toBeVisible();
  await expect(page.getByText("Het begint als concept")).toBeVisible();
  await fitsAndShoot(page, "study-new");
  await page.getByLabel("Naam (Engels)").fill("Cold homes");
  await page.getByLabel("Naam (Nederlands)").fill("Koude huizen");
  await page.getByLabel("Beschrijving (Nederlands, Markdown)").fill("Hoe koud huizen in de **winter** worden.");
  await page.getByLabel("Contactadres voor deelnemers").fill("koud@e2e.example.org");
  await page.getByLabel("Eerste dag (UTC)").fill("2026-01-01");
  await page.getByLabel("Laatste dag (UTC)").fill("2027-12-31");
  await expect(page.getByLabel("Gegevens bij stoppen").locator("option:checked")).toHaveText(/^verwijderen:/);
  await page.getByRole("button", { name: "Onderzoek aanmaken" }).click();

  // The study's own Dutch name, its status in Dutch.
  await expect(page.getByTestId("study-name")).toHaveText("Koude huizen");
  await expect(page.getByTestId("study-status")).toHaveText("concept");
  await expect(page.getByText("gegevens bij stoppen: verwijderen")).toBeVisible();

  // Recruiting without a consent text: refused (code "conflict"), in Dutch words.
  await page.getByRole("button", { name: "Werving openen" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Werving openen" }).click();
  await expect(page.getByTestId("status-message")).toHaveText(
    "Schrijf eerst de toestemmingstekst. Daarna kan het onderzoek werven.",
  );
  await expect(page.getByTestId("study-status")).toHaveText("concept");
  await fitsAndShoot(page, "study-details");

  await page.getByRole("tab", { name: "Toestemming" }).click();
  await expect(page.getByText("Nog geen toestemmingstekst")).toBeVisible();
  await page
    .getByLabel("Toestemmingstekst (Nederlands, Markdown)")
    .fill("## Meedoen\nAls je stopt, worden je gegevens **verwijderd**.");
  await expect(page.getByTestId("consent-preview-nl").locator("strong")).toHaveText("verwijderd");
  await page.getByRole("button", { name: "Toestemmingstekst opslaan" }).click();
  await expect(page.getByTestId("consent-message")).toHaveText("Opgeslagen als versie 1.");
  await expect(page.getByTestId("consent-versions")).toContainText("Versie 1");
  await expect(page.getByTestId("consent-versions")).toContainText("nog niet gezien");
  await fitsAndShoot(page, "study-consent");

  await page.getByRole("tab", { name: "Gegevens" }).click();
  await page.getByRole("button", { name: "Werving openen" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Werving openen" }).click();
  await expect(page.getByTestId("study-status")).toHaveText("werving");
  await expect(page.getByTestId("status-message")).toHaveText("Het onderzoek heeft nu de status werving.");

  await page.getByRole("tab", { name: "Intakevragen" }).click();
  await expect(page.getByText("Geen intakevragen.")).toBeVisible();
  await page.getByLabel("Vraag (Nederlands)").fill("Woonoppervlak");
  await page.getByLabel("Eenheid").fill("m2");
  await page.getByLabel("Minimum").fill("10");
  await page.getByLabel("Maximum").fill("1500");
  await page.getByRole("button", { name: "Vraag toevoegen" }).click();
  await expect(page.getByTestId("intake-message")).toHaveText("1 vraag opgeslagen.");
  await expect(page.getByTestId("intake-questions")).toContainText("1. Woonoppervlak");
  await expect(page.getByTestId("intake-questions")).toContainText("getal van 10 tot en met 1.500 m2");
  await fitsAndShoot(page, "study-intake");

  await page.getByRole("tab", { name: "Checklist" }).click();
  await expect(page.getByText("Geen stappen: deelnemers zien geen checklist.")).toBeVisible();
  await page.getByRole("tab", { name: "Onderzoekers" }).click();
  await expect(page.getByText("Zij zien het dashboard en de export")).toBeVisible();
  await fitsAndShoot(page, "study-researchers");

  // The list: the study's Dutch name, its status and data rule in Dutch.
  await page.goto("/staff/studies");
  const row = page.getByTestId("studies").locator("[data-study-id]").filter({ hasText: "Koude huizen" });
  await expect(row).toContainText("werving");
  await expect(row).toContainText("verwijderen");
  await fitsAndShoot(page, "studies");
  await context.close();
  await staff.dispose();
});
