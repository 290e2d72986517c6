import { expect, test } from "@playwright/test";
import { claimDevice, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { createAccountWithCli, uniqueEmail } from "./helpers";
import { Mailbox, mailingTo } from "./smtp";
import { screenshotsIn } from "./shots";

// The language of a page does not depend on the database: these run once, on the embedded one
// (the same flows run in English on both databases).
test.skip(!!process.env.DATABASE_URL, "Dutch pages are checked once, on the embedded database");

// A participant who chose Dutch keeps it (docs/i18n.md): saved with the account, it holds in a
// fresh browser that asks for English, on the account pages and in the mail Claimlink sends.
// Mail is caught by an SMTP server in this test (E2E_PORT + 12, the app on + 13).

const SMTP_PORT = Number(process.env.E2E_PORT ?? 3100) + 12;
const PORT = Number(process.env.E2E_PORT ?? 3100) + 13;
const mailbox = new Mailbox();
let app: AppProcess;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  await mailbox.listen(SMTP_PORT);
  app = await startApp(PORT, mailingTo(SMTP_PORT), { startSeconds: 120 });
});
test.afterAll(async () => {
  await app?.stop();
  await mailbox.close();
});

/** No sideways scroll at either width, and a look at the page for whoever reads e2e/.tmp. */
const fitsAndShoot = screenshotsIn("e2e/.tmp/dutch-account");

test("Dutch chosen once stays with the account: a fresh English browser, the account pages and a notice mail", async ({
  browser,
}) => {
  test.setTimeout(90_000);
  const p = createAccountWithCli(uniqueEmail("nl-account"), "participant", "participant pw 123", String(PORT));

  const first = await browser.newContext({ locale: "en-GB" });
  const page = await first.newPage();
  await page.goto(`${app.base}/sign-in`);
  await page.getByLabel("Email").fill(p.email);
  await page.getByLabel("Password").fill(p.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/devices$/);
  await page.goto(`${app.base}/account`);
  await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
  await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Nederlands" }).click();
  await expect(page.getByRole("heading", { name: "Je account", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "Uitloggen", exact: true }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await first.close();

  // A browser that never saw the choice, asking for English: English until the account is known.
  const fresh = await browser.newContext({
    locale: "en-GB",
    extraHTTPHeaders: { "accept-language": "en-GB,en;q=0.9" },
  });
  const again = await fresh.newPage();
  await again.goto(`${app.base}/sign-in`);
  await expect(again.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await again.getByLabel("Email").fill(p.email);
  await again.getByLabel("Password").fill(p.password);
  await again.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(again).toHaveURL(/\/devices$/);
  await again.goto(`${app.base}/account`);
  await expect(again.locator("html")).toHaveAttribute("lang", "nl");
  await expect(again.getByRole("heading", { name: "Je account", level: 1 })).toBeVisible();
  await expect(again.getByRole("heading", { name: "Waar je bent ingelogd" })).toBeVisible();
  await expect(again.getByLabel("Huidig wachtwoord")).toBeVisible();
  await expect(again.getByTestId("session-list")).toContainText("Chrome op Linux");
  await expect(again.getByText("deze browser")).toBeVisible();

  // A refusal is chosen by its code, in Dutch: not the server's English detail.
  await again.getByLabel("Huidig wachtwoord").fill("not my password");
  await again.getByLabel("Nieuw wachtwoord").fill("a new password 456");
  await again.getByLabel("Herhaal het nieuwe wachtwoord").fill("a new password 456");
  await again.getByRole("button", { name: "Wachtwoord wijzigen" }).click();
  await expect(again.getByTestId("password-note")).toHaveText("Je huidige wachtwoord klopt niet.");
  await fitsAndShoot(again, "account");

  await again.goto(`${app.base}/account/security`);
  await expect(again.getByRole("heading", { name: "Inloggen in twee stappen", level: 1 })).toBeVisible();
  await again.getByRole("button", { name: "Inloggen in twee stappen instellen" }).click();
  await expect(again.getByText("1. Scan deze code met je authenticator-app.")).toBeVisible();
  await expect(
    again.getByRole("img", { name: "QR-code om Claimlink aan je authenticator-app toe te voegen" }),
  ).toBeVisible();
  await again.getByLabel("Code uit de app").fill("000000");
  await again.getByRole("button", { name: "Aanzetten" }).click();
  await expect(again.getByTestId("form-error")).toHaveText(
    "Die code klopt niet. Vul de code in die je app nu laat zien.",
  );
  await fitsAndShoot(again, "security");

  await again.goto(`${app.base}/account/tokens`);
  await expect(again.getByRole("heading", { name: "API-tokens", level: 1 })).toBeVisible();
  await expect(again.getByLabel("Je apparaten")).toBeVisible();
  await expect(again.getByRole("combobox", { name: "Verloopt na" })).toContainText("90 dagen");
  await fitsAndShoot(again, "tokens");

  // A notice mail, in the language saved with the account (the mail's subject is MIME-encoded;
  // the body is read as plain ASCII here, so the words checked have no accents).
  const owner = await signedInApi(p.email, p.password, app.base);
  const device = await claimDevice(owner, {}, { base: app.base });
  const mail = await mailbox.mailWhere((m) => m.to.includes(p.email) && m.text.includes(device.credential.name));
  expect(mail.text).toContain(`Hallo Pat Participant,`);
  expect(mail.text).toContain("is zojuist aan je Claimlink-account gekoppeld.");
  expect(mail.text).toContain("Je kunt dit soort berichten uitzetten op je accountpagina.");
  expect(mail.text).toContain(`${app.base}/devices/${device.deviceId}`);
  expect(mail.text).not.toContain("was just claimed");
  await fresh.close();
});
