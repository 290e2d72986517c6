import { expect, test } from "@playwright/test";
import { createAccountWithCli, uniqueEmail } from "./helpers";
import { mailingApp } from "./smtp";
import { screenshotsIn } from "./shots";

// The language of a page does not depend on the database: these run once, on the embedded one
// (the same pages run in English on both databases).
test.skip(!!process.env.DATABASE_URL, "Dutch pages are checked once, on the embedded database");

// Staff with a Dutch browser get the console in Dutch: its menu, the accounts pages with their
// invitation forms and refusals, the audit log, API tokens, server keys and webhooks. An
// invitation is mailed in the language staff chose for it, whatever the console's own, and a
// renewed link keeps it. Mail is caught by an SMTP server in this test (E2E_PORT + 18, the app on + 19).

const { app, mailbox, port: PORT } = mailingApp(19, 18);

const fitsAndShoot = screenshotsIn("e2e/.tmp/dutch-staff");

test.use({ locale: "nl-NL" });

test("the staff console in Dutch: menu, accounts, invitations in a chosen language, audit, tokens, keys, webhooks", async ({
  page,
}) => {
  test.setTimeout(150_000);
  const staff = createAccountWithCli(uniqueEmail("nl-staff"), "staff", "staff password 123", String(PORT));
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(`${app.base}/sign-in`);
  await page.getByLabel("E-mailadres", { exact: true }).fill(staff.email);
  await page.getByLabel("Wachtwoord").fill(staff.password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/accounts$/);

  // The frame: its menu and its footer.
  const nav = page.getByRole("navigation", { name: "Beheer" });
  await expect(nav.getByRole("link", { name: "Auditlogboek" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Serversleutels" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Uitloggen" })).toBeVisible();

  // Accounts: headings, the invitation form, and its language select.
  await expect(page.getByRole("heading", { name: "Iemand uitnodigen" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Open uitnodigingen" })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Alle accounts" })).toBeVisible();
  const language = page.getByLabel("Taal van de uitnodigingsmail");
  await expect(language.locator("option")).toHaveText(["Standaard (Engels)", "Nederlands", "Engels"]);

  // Invited in English from a Dutch console: the mail is English.
  const english = uniqueEmail("nl-console-en-invitee");
  await page.getByLabel("E-mailadres", { exact: true }).fill(english);
  await page.getByLabel("Naam", { exact: true }).fill("Erin English");
  await language.selectOption("en");
  await page.getByRole("button", { name: "Uitnodiging maken" }).click();
  await expect(page.getByTestId("invite-mailed")).toHaveText(`De uitnodiging is gemaild naar ${english}.`);
  expect((await mailbox.mailTo(english)).subject).toBe("Your invitation to Claimlink");

  // Invited in Dutch: the mail is Dutch, and so is the renewed link's.
  const dutch = uniqueEmail("nl-invitee");
  await page.getByLabel("E-mailadres", { exact: true }).fill(dutch);
  await page.getByLabel("Naam", { exact: true }).fill("Daan Dutch");
  await language.selectOption("nl");
  await page.getByRole("button", { name: "Uitnodiging maken" }).click();
  await expect(page.getByTestId("invite-mailed")).toContainText(dutch);
  const first = await mailbox.mailTo(dutch);
  expect(first.subject).toBe("Je uitnodiging voor Claimlink");
  const row = page.getByTestId("invitations").locator("tr, li").filter({ hasText: dutch }).first();
  await expect(row).toContainText("Nederlands");
  await row.getByRole("button", { name: `Acties voor de uitnodiging van ${dutch}` }).click();
  await page.getByRole("menuitem", { name: "Nieuwe link", exact: true }).click();
  await expect(page.getByTestId("toast")).toContainText(`Er is een nieuwe link gemaild naar ${dutch}.`);
  const renewed = await mailbox.mailWhere((m) => m.to.includes(dutch) && m !== first);
  expect(renewed.subject).toBe("Je uitnodiging voor Claimlink");

  // A refusal in Dutch, chosen by its code: an email that already has an account.
  await page.getByLabel("E-mailadres", { exact: true }).fill(staff.email);
  await page.getByLabel("Naam", { exact: true }).fill("Twice");
  await page.getByRole("button", { name: "Uitnodiging maken" }).click();
  await expect(page.getByTestId("form-error")).toHaveText("Er is al een account met dit e-mailadres.");
  await fitsAndShoot(page, "accounts");

  // The CSV page, with its own language select.
  await page.goto(`${app.base}/staff/accounts/bulk-invite`);
  await expect(page.getByRole("heading", { name: "Uitnodigen met een CSV-bestand", level: 1 })).toBeVisible();
  const batch = uniqueEmail("nl-bulk");
  await page.getByLabel("Taal van de uitnodigingsmail").selectOption("nl");
  await page.getByLabel("Of plak de regels").fill(`email,name\n${batch},Bo Bulk\nnot-an-email,Nobody`);
  await page.getByRole("button", { name: "Uitnodigingen maken" }).click();
  await expect(page.getByRole("heading", { name: "1 uitgenodigd, 1 geweigerd" })).toBeVisible();
  await expect(page.getByTestId("invited")).toContainText("(deelnemer)");
  expect((await mailbox.mailTo(batch)).subject).toBe("Je uitnodiging voor Claimlink");
  await fitsAndShoot(page, "bulk-invite");

  // One account's page.
  await page.goto(`${app.base}/staff/accounts`);
  await page.getByTestId("account-link").filter({ hasText: "Pat Participant" }).first().click();
  await expect(page.getByTestId("account-facts")).toContainText("Rol");
  await expect(page.getByRole("heading", { name: "Onderzoeken" })).toBeVisible();
  await fitsAndShoot(page, "account");

  await page.goto(`${app.base}/staff/audit`);
  await expect(page.getByRole("heading", { name: "Auditlogboek", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: "Filteren" })).toBeVisible();
  await expect(page.getByTestId("audit")).toBeVisible();
  await fitsAndShoot(page, "audit");

  await page.goto(`${app.base}/staff/tokens`);
  await expect(page.getByRole("heading", { name: "API-tokens", level: 1 })).toBeVisible();
  await fitsAndShoot(page, "tokens");

  await page.goto(`${app.base}/staff/keys`);
  await expect(page.getByRole("heading", { name: "Serversleutels", level: 1 })).toBeVisible();
  await expect(page.getByTestId("server-keys")).toContainText("Publieke sleutel");
  await fitsAndShoot(page, "keys");

  await page.goto(`${app.base}/staff/webhooks`);
  await expect(page.getByRole("heading", { name: "Nieuw abonnement" })).toBeVisible();
  await expect(page.getByText("Een apparaat is gekoppeld (nieuw, opnieuw ingesteld of een vervanging)")).toBeVisible();
  await fitsAndShoot(page, "webhooks");

  await page.goto(`${app.base}/docs/api`);
  await expect(page.getByRole("heading", { name: "API-naslag", level: 1 })).toBeVisible();
  await expect(page.getByLabel("Route")).toBeVisible();
});

test("a researcher's pages in Dutch", async ({ page }) => {
  const researcher = createAccountWithCli(
    uniqueEmail("nl-researcher"),
    "researcher",
    "researcher pw 123",
    String(PORT),
  );
  await page.goto(`${app.base}/sign-in`);
  await page.getByLabel("E-mailadres", { exact: true }).fill(researcher.email);
  await page.getByLabel("Wachtwoord").fill(researcher.password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await expect(page).not.toHaveURL(/\/sign-in/);
  await page.goto(`${app.base}/research`);
  await expect(page.getByRole("heading", { name: "Je onderzoeken", level: 1 })).toBeVisible();
  await expect(page.getByTestId("research-empty")).toContainText("Geen onderzoeken om te lezen");
  await fitsAndShoot(page, "research");
});
