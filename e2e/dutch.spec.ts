import { expect, test } from "@playwright/test";
import type { Challenge } from "../device/client";
import { BASE, deviceShowingCode, signedInApi } from "./api";
import { createAccountWithCli, uniqueEmail } from "./helpers";

// The language of a page does not depend on the database: these run once, on the embedded one
// (the same flows run in English on both databases).
test.skip(!!process.env.DATABASE_URL, "Dutch pages are checked once, on the embedded database");

// Dutch end to end (docs/i18n.md): the language comes from the account's choice, else the
// browser's remembered choice, else Accept-Language; the claim URL carries no language.

test.describe("a browser that asks for Dutch", () => {
  test.use({ locale: "nl-NL" });

  test("signs in and claims a device by typed code in Dutch; a refusal is Dutch too", async ({ page }) => {
    const p = createAccountWithCli(uniqueEmail("nl-claim"), "participant");
    await page.goto("/sign-in");
    await expect(page.locator("html")).toHaveAttribute("lang", "nl");
    await expect(page.getByRole("heading", { name: "Inloggen" })).toBeVisible();
    await page.getByLabel("E-mailadres").fill(p.email);
    await page.getByLabel("Wachtwoord").fill("not the password");
    await page.getByRole("button", { name: "Inloggen", exact: true }).click();
    await expect(page.getByTestId("form-error")).toHaveText(
      "Dit e-mailadres en wachtwoord horen niet bij een actief account.",
    );
    await page.getByLabel("Wachtwoord").fill(p.password);
    await page.getByRole("button", { name: "Inloggen", exact: true }).click();
    await expect(page).toHaveURL(/\/devices$/);

    await page.goto("/claim");
    await expect(page.getByRole("heading", { name: "Apparaat koppelen", level: 1 })).toBeVisible();
    const field = page.getByLabel("Code onder de QR-code");
    await expect(page.locator("[data-testid=camera-error], [data-scanner=scanning]")).toBeVisible();
    if (!(await field.isVisible())) await page.getByText("Typ de code liever over").click();
    await field.fill("geen code");
    await page.getByRole("button", { name: "Koppelen", exact: true }).click();
    await expect(page.getByTestId("typed-error")).toHaveText(
      "Dat lijkt geen apparaatcode. Een code heeft twee delen van 26 letters en cijfers, met een punt ertussen.",
    );

    const d = await deviceShowingCode();
    await field.fill(`${d.sid}.${d.code}`);
    await page.getByRole("button", { name: "Koppelen", exact: true }).click();
    await expect(page.getByTestId("handshake")).toContainText("Wachten tot het apparaat bevestigt");
    await d.device.answer((await d.poll) as Challenge);
    await expect(page.getByTestId("claim-done")).toContainText("is van jou");
    await expect(page).toHaveURL(/\/devices\/dev_[A-Z2-7]{16}$/);
  });

  test("the camera link opened signed out keeps its address and asks to sign in, in Dutch", async ({ page }) => {
    const d = await deviceShowingCode();
    await page.goto(`/claim#${d.sid}.${d.code}`);
    await expect(page).toHaveURL(/\/sign-in\?next=%2Fclaim$/);
    await expect(page.getByTestId("claim-waiting")).toContainText("Je apparaat wacht");
  });
});

test("a language chosen with the switcher is remembered: in this browser before signing in, and with the account after", async ({
  browser,
}) => {
  const p = createAccountWithCli(uniqueEmail("nl-switch"), "participant");
  const first = await browser.newContext({ locale: "en-GB" });
  const page = await first.newPage();
  await page.goto("/sign-in");
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  const switcher = page.getByRole("group", { name: "Language" });
  await switcher.getByRole("button", { name: "Nederlands" }).click();
  await expect(page.getByRole("heading", { name: "Inloggen" })).toBeVisible();
  await expect(page.getByRole("group", { name: "Taal" }).getByRole("button", { name: "Nederlands" })).toHaveAttribute(
    "aria-pressed",
    "true",
  );
  await page.reload();
  await expect(page.getByRole("heading", { name: "Inloggen" })).toBeVisible();

  // Signed in, the choice goes with the account: English again, saved.
  await page.getByLabel("E-mailadres").fill(p.email);
  await page.getByLabel("Wachtwoord").fill(p.password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await expect(page).toHaveURL(/\/devices$/);
  await page.goto("/claim");
  await page.getByRole("group", { name: "Taal" }).getByRole("button", { name: "English" }).click();
  await expect(page.getByRole("heading", { name: "Claim a device", level: 1 })).toBeVisible();
  const saved = page.waitForResponse((r) => r.url().endsWith("/api/v1/me/locale") && r.status() === 200);
  await page.getByRole("group", { name: "Language" }).getByRole("button", { name: "Nederlands" }).click();
  await saved;
  await expect(page.getByRole("heading", { name: "Apparaat koppelen", level: 1 })).toBeVisible();
  await first.close();

  // Another browser that asks for English, signed in as the same person: Dutch, from the account.
  const second = await browser.newContext({ locale: "en-GB" });
  const other = await second.newPage();
  await other.goto("/sign-in");
  await expect(other.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await other.getByLabel("Email").fill(p.email);
  await other.getByLabel("Password").fill(p.password);
  await other.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(other).toHaveURL(/\/devices$/);
  await other.goto("/claim");
  await expect(other.getByRole("heading", { name: "Apparaat koppelen", level: 1 })).toBeVisible();
  await expect(other.locator("html")).toHaveAttribute("lang", "nl");
  await second.close();
});

test("the API refuses a language it does not speak, and a signed-out caller", async ({ request }) => {
  const signedOut = await request.put("/api/v1/me/locale", {
    data: { locale: "nl" },
    headers: { origin: new URL(BASE).origin },
  });
  expect(signedOut.status()).toBe(401);
  const p = createAccountWithCli(uniqueEmail("nl-api"), "participant");
  const api = await signedInApi(p.email, p.password);
  for (const data of [{ locale: "de" }, { locale: "nl", extra: 1 }, {}]) {
    const res = await api.put("/api/v1/me/locale", { data });
    expect(res.status()).toBe(400);
    expect((await res.json()).code).toBe("invalid_request");
  }
  expect((await api.put("/api/v1/me/locale", { data: { locale: "nl" } })).status()).toBe(200);
  await api.dispose();
});
