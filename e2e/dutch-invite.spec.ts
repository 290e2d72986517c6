import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { signedInApi, staffApi } from "./api";
import { createAccountWithCli, uniqueEmail } from "./helpers";
import { linkIn, mailingApp } from "./smtp";
import { screenshotsIn } from "./shots";

// The language of a page does not depend on the database: these run once, on the embedded one
// (the same flows run in English on both databases).
test.skip(!!process.env.DATABASE_URL, "Dutch pages are checked once, on the embedded database");

// Invitation, consent and password pages in Dutch (docs/i18n.md): a browser that asks for Dutch
// reads the study's Dutch texts, is refused in Dutch by a problem's code, and is told the
// password rules in Dutch. Staff set the study up over the API, as their console would.

const PASSWORD = "een lang wachtwoord 1";
const SHOTS = path.resolve("e2e", ".tmp", "dutch-invite");

test.use({ locale: "nl-NL" });

let staff: APIRequestContext;
test.beforeAll(async () => {
  staff = await staffApi();
});
test.afterAll(async () => {
  await staff.dispose();
});

/** A recruiting study with its description and consent text in both languages. */
async function dutchStudy(): Promise<string> {
  const r = await staff.post("/api/v1/staff/studies", {
    data: {
      name: { nl: "Warme huizen", en: "Warm homes" },
      description: {
        nl: "Warme huizen: hoe warm mensen hun huis **stoken** in de winter.",
        en: "Warm homes: how warm people **heat** their homes in winter.",
      },
      contactEmail: "onderzoek@e2e.example.org",
      startsOn: "2026-01-01",
      endsOn: "2099-12-31",
      dataPolicy: "erase",
    },
  });
  expect(r.status(), await r.text()).toBe(201);
  const id = (await r.json()).id as string;
  const text = {
    nl: "## Meedoen\n\nWe meten elke minuut de **temperatuur** in je woonkamer.",
    en: "## Taking part\n\nWe measure the **temperature** in your living room once a minute.",
  };
  expect((await staff.post(`/api/v1/staff/studies/${id}/consent-versions`, { data: { text } })).status()).toBe(200);
  const open = await staff.post(`/api/v1/staff/studies/${id}/status`, { data: { status: "recruiting" } });
  expect(open.status()).toBe(200);
  return id;
}

/** The page at 390 and 1280 px, saved for a look; it never scrolls sideways. */
const shot = screenshotsIn(SHOTS);

test("an invitation is accepted in Dutch: the Dutch study texts, the password rules, consent, signed in; then the consent-again screen", async ({
  page,
}) => {
  const studyId = await dutchStudy();
  const email = uniqueEmail("nl-invitee");
  const invited = await staff.post("/api/v1/staff/invitations", {
    data: { email, name: "Pat Deelnemer", role: "participant", studyId },
  });
  expect(invited.status(), await invited.text()).toBe(201);
  const link = new URL((await invited.json()).link as string);

  await page.goto(`${link.pathname}${link.hash}`);
  await expect(page.locator("html")).toHaveAttribute("lang", "nl");
  await expect(page.getByRole("heading", { name: "Welkom bij Claimlink", level: 1 })).toBeVisible();
  const study = page.getByTestId("invite-study");
  await expect(study.getByRole("heading", { name: "Je bent uitgenodigd voor Warme huizen" })).toBeVisible();
  await expect(page.getByTestId("invite-description")).toHaveText(
    "Warme huizen: hoe warm mensen hun huis stoken in de winter.",
  );
  await expect(page.getByTestId("invite-description")).not.toHaveAttribute("lang");
  const consentText = page.getByTestId("invite-consent-text");
  await expect(consentText.locator("strong")).toHaveText("temperatuur");
  await expect(consentText).not.toContainText("living room");
  await expect(study).toContainText("Toestemmingstekst, versie 1");
  await expect(study).toContainText("Stop je later met het onderzoek? Dan verwijderen we je metingen");
  await expect(page.getByText("Hallo Pat Deelnemer. Kies een wachtwoord voor")).toBeVisible();
  await shot(page, "invite");

  // The password rules and the consent tick, each refused in Dutch; nothing is created meanwhile.
  const error = page.getByTestId("form-error");
  const submit = page.getByRole("button", { name: "Mijn account maken" });
  await page.getByLabel("Wachtwoord", { exact: true }).fill("kort");
  await page.getByLabel("Herhaal het wachtwoord").fill("kort");
  await submit.click();
  await expect(error).toHaveText("Het wachtwoord is te kort: gebruik minstens 10 tekens.");
  await page.getByLabel("Wachtwoord", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Herhaal het wachtwoord").fill(`${PASSWORD}x`);
  await submit.click();
  await expect(error).toHaveText("De twee wachtwoorden zijn niet hetzelfde.");
  await page.getByLabel("Herhaal het wachtwoord").fill(PASSWORD);
  await submit.click();
  await expect(error).toHaveText("Zet een vinkje om toestemming te geven voor het onderzoek. Daarna kun je verder.");
  await shot(page, "invite-error");
  const found = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(email)}`)).json();
  expect(found.accounts).toHaveLength(0);

  await page
    .getByLabel(
      "Ik heb versie 1 van de toestemmingstekst hierboven gelezen. Ik doe onder deze voorwaarden mee aan Warme huizen.",
    )
    .check();
  await submit.click();
  // Signed in, and the consent ticked on the invitation is recorded for version 1.
  await expect(page).toHaveURL(/\/devices$/, { timeout: 20_000 });
  await expect(page.getByRole("button", { name: "Uitloggen" })).toBeAttached();
  const me = await signedInApi(email, PASSWORD);
  const stateOf = async () =>
    ((await (await me.get("/api/v1/me/studies")).json()).studies as { studyId: string; state: string }[]).find(
      (s) => s.studyId === studyId,
    )?.state;
  expect(await stateOf()).toBe("consented");

  // A new version that asks again: the screen says what changed, in Dutch.
  const revised = await staff.post(`/api/v1/staff/studies/${studyId}/consent-versions`, {
    data: {
      text: {
        nl: "## Meedoen\n\nWe meten de **temperatuur** en vanaf nu ook de **luchtvochtigheid**.",
        en: "## Taking part\n\nWe measure the **temperature** and from now on the **humidity** too.",
      },
      changes: { nl: "We meten nu ook de **luchtvochtigheid**.", en: "We now also measure **humidity**." },
      requiresReconsent: true,
    },
  });
  expect(revised.status(), await revised.text()).toBe(200);
  await page.goto(`/studies/${studyId}/consent`);
  await expect(page.getByTestId("consent-title")).toHaveText("Warme huizen");
  await expect(
    page.getByText("De toestemmingstekst van het onderzoek is veranderd. Lees wat er anders is en beslis dan."),
  ).toBeVisible();
  const changes = page.getByTestId("consent-changes");
  await expect(changes).toContainText("Wat is er anders");
  await expect(changes).toContainText("Versie 2");
  await expect(changes).toContainText("We meten nu ook de luchtvochtigheid.");
  await expect(page.getByRole("heading", { name: "Over het onderzoek" })).toBeVisible();
  await expect(page.getByTestId("study-description")).toContainText("hun huis stoken in de winter");
  await expect(page.getByRole("heading", { name: "Toestemmingstekst, versie 2" })).toBeVisible();
  await expect(page.getByTestId("consent-text").locator("strong").last()).toHaveText("luchtvochtigheid");
  await expect(page.getByTestId("data-policy")).toHaveText(
    "Stop je met het onderzoek? Dan verwijderen we je metingen, antwoorden en apparaatgegevens in dit onderzoek.",
  );
  await expect(page.getByRole("link", { name: "Liever stoppen met het onderzoek" })).toBeVisible();
  const consent = page.getByRole("button", { name: "Ik geef toestemming" });
  await expect(consent).toBeDisabled();
  expect(await stateOf()).toBe("reconsent_pending");
  await shot(page, "consent-again");
  await page
    .getByLabel(
      "Ik heb versie 2 van de toestemmingstekst gelezen. Ik doe onder deze voorwaarden mee aan het onderzoek.",
    )
    .check();
  await consent.click();
  await expect(page).toHaveURL(/\/devices$/);
  expect(await stateOf()).toBe("consented");
  await me.dispose();
});

test("a study text missing in Dutch is shown in English, marked as English", async ({ page }) => {
  const r = await staff.post("/api/v1/staff/studies", {
    data: {
      name: { en: "Cool homes" },
      description: { en: "Cool homes: how people keep **cool** in summer." },
      contactEmail: "study@e2e.example.org",
      startsOn: "2026-01-01",
      endsOn: "2099-12-31",
      dataPolicy: "retain",
    },
  });
  expect(r.status(), await r.text()).toBe(201);
  const studyId = (await r.json()).id as string;
  const text = { en: "I agree to take part." };
  expect((await staff.post(`/api/v1/staff/studies/${studyId}/consent-versions`, { data: { text } })).status()).toBe(
    200,
  );
  expect(
    (await staff.post(`/api/v1/staff/studies/${studyId}/status`, { data: { status: "recruiting" } })).status(),
  ).toBe(200);
  const email = uniqueEmail("nl-fallback");
  const invited = await staff.post("/api/v1/staff/invitations", {
    data: { email, name: "Pat Deelnemer", role: "participant", studyId },
  });
  const link = new URL((await invited.json()).link as string);
  await page.goto(`${link.pathname}${link.hash}`);
  const description = page.getByTestId("invite-description");
  await expect(description).toHaveText("Cool homes: how people keep cool in summer.");
  await expect(description).toHaveAttribute("lang", "en");
  await expect(page.getByTestId("invite-consent-text")).toHaveAttribute("lang", "en");
  // The page's own words stay Dutch.
  await expect(page.getByTestId("invite-study")).toContainText("Stop je later met het onderzoek? Dan blijven");
});

test("a bad or missing invitation link is refused in Dutch", async ({ page }) => {
  const notValid =
    "Deze uitnodigingslink werkt niet: misschien is hij verlopen of al gebruikt. Vraag degene die je uitnodigde om een nieuwe link.";
  // Malformed (refused by the API's schema) and well-formed but unknown: the same sentence, from the code.
  for (const token of ["geen-token", "A".repeat(43)]) {
    await page.goto(`/invite#${token}`);
    await expect(page.getByTestId("invite-error")).toHaveText(notValid);
  }
  await expect(page.getByRole("link", { name: "Inloggen" }).last()).toBeVisible();
  await shot(page, "invite-refused");
  await page.goto("/invite");
  await expect(page.getByTestId("invite-error")).toHaveText(
    "Deze pagina heeft de hele link uit je uitnodiging nodig. Open de link uit je uitnodiging opnieuw.",
  );
});

test("a password-reset link in Dutch: the rules, the change, then the used link refused", async ({ page }) => {
  const p = createAccountWithCli(uniqueEmail("nl-reset"), "participant");
  const found = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(p.email)}`)).json();
  const issued = await staff.post(`/api/v1/staff/accounts/${found.accounts[0].id}/password-reset`);
  expect(issued.status(), await issued.text()).toBe(201);
  const link = new URL((await issued.json()).link as string);

  await page.goto(`${link.pathname}${link.hash}`);
  await expect(page.getByRole("heading", { name: "Kies een nieuw wachtwoord", level: 1 })).toBeVisible();
  await expect(page.getByText(`Nieuw wachtwoord voor ${p.email}.`)).toBeVisible();
  const submit = page.getByRole("button", { name: "Nieuw wachtwoord opslaan" });
  await page.getByLabel("Nieuw wachtwoord").fill(PASSWORD);
  await submit.click();
  await expect(page.getByTestId("form-error")).toHaveText("De twee wachtwoorden zijn niet hetzelfde.");
  await shot(page, "reset");
  await page.getByLabel("Herhaal het wachtwoord").fill(PASSWORD);
  await submit.click();
  await expect(page.getByTestId("reset-done")).toHaveText(`Het wachtwoord van ${p.email} is veranderd.`);
  await (await signedInApi(p.email, PASSWORD)).dispose();

  // Used once: refused in another tab (going to it again in this one only changes the fragment).
  const again = await page.context().newPage();
  await again.goto(`${link.pathname}${link.hash}`);
  await expect(again.getByTestId("reset-error")).toHaveText(
    "Deze link werkt niet: misschien is hij verlopen of al gebruikt. Vraag een nieuwe link aan.",
  );
  await shot(again, "reset-refused");
});

test('"forgot password" without mail sends a Dutch reader to the project team', async ({ page }) => {
  await page.goto("/forgot-password");
  await expect(page.getByRole("heading", { name: "Wachtwoord vergeten?", level: 1 })).toBeVisible();
  await expect(page).toHaveTitle(/^Wachtwoord vergeten/);
  await expect(page.getByText("Vraag het projectteam om een link om een nieuw wachtwoord te kiezen.")).toBeVisible();
});

test.describe("with mail", () => {
  // An app that mails (as in e2e/mail.spec.ts, on the same ports: specs run one at a time).
  const { app, mailbox, port } = mailingApp(3, 5);

  test('"forgot password" in Dutch: a mistyped email is refused, then the same Dutch answer and a working link', async ({
    page,
  }) => {
    const p = createAccountWithCli(uniqueEmail("nl-forgot"), "participant", "het oude wachtwoord 1", String(port));
    await page.goto(`${app.base}/forgot-password`);
    await expect(page.getByRole("heading", { name: "Wachtwoord vergeten?", level: 1 })).toBeVisible();
    const note = page.getByTestId("forgot-note");
    await page.getByLabel("E-mailadres").fill("geen e-mailadres");
    await page.getByRole("button", { name: "Stuur me een link" }).click();
    await expect(note).toHaveText("Vul het hele e-mailadres van je account in, met de @ en wat erna komt.");
    await expect(note).toHaveAttribute("data-kind", "error");
    await shot(page, "forgot-error");
    await page.getByLabel("E-mailadres").fill(p.email);
    await page.getByRole("button", { name: "Stuur me een link" }).click();
    await expect(note).toHaveText(
      "Hoort dit e-mailadres bij een account? Dan krijg je een mail met een link om een nieuw wachtwoord te kiezen. De link werkt een uur.",
    );
    await shot(page, "forgot");
    const link = linkIn(await mailbox.mailTo(p.email), app.base);
    await page.goto(link);
    await expect(page.getByText(`Nieuw wachtwoord voor ${p.email}.`)).toBeVisible();
  });
});
