import { createHash, randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import { claimDevice, newParticipant, staffApi } from "./api";
import { signTestImage, uploadFirmware } from "./firmware-upload";
import { STAFF } from "./helpers";
import { screenshotsIn } from "./shots";

// The language of a page does not depend on the database: these run once, on the embedded one
// (the same flows run in English on both databases).
test.skip(!!process.env.DATABASE_URL, "Dutch pages are checked once, on the embedded database");

// The staff console's devices, firmware, rollouts, models and legacy nodes, and the device
// emulator, in Dutch (docs/i18n.md): a staff member whose browser asks for Dutch reads them,
// acts on a selection and a device, and sees a refusal worded by its code.

const SHOTS = "e2e/.tmp/dutch-staff-devices";

const shoot = screenshotsIn(SHOTS);

async function signInAsStaff(page: Page) {
  await page.goto("/sign-in");
  await page.getByLabel("E-mailadres").fill(STAFF.email);
  await page.getByLabel("Wachtwoord").fill(STAFF.password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/accounts$/);
}

test.use({ locale: "nl-NL" });

test("the fleet and a device page in Dutch: a command to a selection, a new interval, a refused transfer", async ({
  page,
}) => {
  const owner = await newParticipant("nl-fleet");
  const { deviceId, credential } = await claimDevice(owner.api, {}, { model: "coreink-heat" });
  await signInAsStaff(page);

  await page.goto(`/staff/devices?${new URLSearchParams({ q: owner.email })}`);
  await expect(page.getByRole("heading", { name: "Apparaten", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Overzicht van deze selectie" })).toBeVisible();
  await expect(page.getByTestId("fleet-count")).toContainText("1 apparaat: 1 online, 0 offline, 0 ingetrokken");
  const row = page.locator(`tr[data-device-id="${deviceId}"]`);
  await expect(row.getByTestId("device-status")).toHaveText("Online");
  await expect(row.getByTestId("last-command")).toHaveText("geen");
  await expect(page.getByText("Filters en volgorde")).toBeVisible();

  // One command for the whole selection, the count confirmed first.
  const bulk = page.getByTestId("bulk-actions");
  await bulk.getByLabel("Actie").selectOption("reboot");
  await bulk.getByRole("button", { name: "Bekijken" }).click();
  await expect(bulk.getByTestId("bulk-confirmation")).toHaveText("Herstart sturen voor 1 apparaat?");
  await bulk.getByRole("button", { name: "Ja, herstart sturen voor 1 apparaat" }).click();
  await expect(bulk.getByRole("status")).toHaveText("Klaar: herstart sturen voor 1 apparaat.");
  await page.reload();
  await expect(row.getByTestId("last-command")).toContainText("reboot in de wachtrij");
  await shoot(page, "fleet");

  await row.getByRole("link", { name: credential.name }).click();
  await expect(page).toHaveURL(new RegExp(`/staff/devices/${deviceId}$`));
  await expect(page.getByText(/^coreink-heat · firmware 1\.0\.0 · laatst gezien/)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Acties" })).toBeVisible();
  await expect(page.getByTestId("device-firmware")).toContainText("Nog geen firmware-update gestuurd.");
  await page.getByLabel("Meetinterval (seconden)").fill("120");
  await page.getByRole("button", { name: "Instelling opslaan" }).click();
  await expect(page.getByTestId("action-message")).toHaveText(
    "Meetinterval ingesteld op 120 s. Het apparaat leest het bij het volgende contact.",
  );
  await page.getByRole("tab", { name: "Opdrachten" }).click();
  await expect(page.getByTestId("device-commands")).toContainText("in de wachtrij");
  await shoot(page, "staff-device");

  // A refusal worded by its code: the transfer names an address no account has.
  await page.getByLabel("E-mailadres van de nieuwe eigenaar").fill(`nobody.${Date.now()}@e2e.example.org`);
  await page.getByLabel("Reden (komt in het auditlogboek)").fill("Verhuisd");
  await page.getByRole("button", { name: "Overdragen" }).click();
  await expect(page.getByTestId("action-message")).toHaveAttribute("data-kind", "error");
  await expect(page.getByTestId("device-owner")).toContainText(owner.email);
});

test("firmware, rollouts, models, legacy nodes and the emulator in Dutch, with a refused signature", async ({
  page,
}) => {
  const staff = await staffApi();
  const model = `e2e-nl-${randomBytes(4).toString("hex")}`;
  expect((await staff.post("/api/v1/staff/models", { data: { model, displayName: "Proefmodel" } })).status()).toBe(200);
  const image = new Uint8Array(randomBytes(20_000));
  await uploadFirmware(staff, { model, version: "1.1.0", image, notes: "Sneller warm." });
  await signInAsStaff(page);

  // A signature made for another version: refused, in Dutch by its code.
  await page.goto("/staff/firmware");
  await expect(page.getByRole("heading", { name: "Firmware", level: 1 })).toBeVisible();
  const form = page.getByTestId("firmware-upload");
  await form.getByLabel("Model").selectOption(model);
  await form.getByLabel("Versie").fill("1.2.0");
  await form
    .getByLabel("Bestand")
    .setInputFiles({ name: "heat.bin", mimeType: "application/octet-stream", buffer: Buffer.from(image) });
  await form.getByLabel("Handtekening").fill(signTestImage(model, "1.2.1", image));
  await form.getByRole("button", { name: "Firmware uploaden" }).click();
  await expect(page.getByTestId("firmware-message")).toHaveText(
    "De handtekening van de firmware klopt niet met een firmwaresleutel.",
  );
  const sha256 = createHash("sha256").update(image).digest("hex");
  const imageRow = page.locator(`tr[data-sha256="${sha256}"]`);
  await expect(imageRow).toContainText("bruikbaar");
  await expect(imageRow.getByRole("button", { name: `${model} 1.1.0 terugtrekken` })).toBeVisible();
  await shoot(page, "firmware");

  await page.getByRole("main").getByRole("link", { name: "Uitrol", exact: true }).click();
  await expect(page.getByRole("heading", { name: "Firmware uitrollen", level: 1 })).toBeVisible();
  await expect(page.getByRole("heading", { name: "Versies in gebruik" })).toBeVisible();
  await page.getByLabel("Stappen (procent:wachttijd in minuten)").fill("50:x");
  await page.getByRole("button", { name: "Bekijken en starten" }).click();
  await expect(page.getByText("Schrijf de stappen als procent:minuten")).toBeVisible();
  await shoot(page, "rollouts");

  await page.goto("/staff/models");
  await expect(page.getByRole("heading", { name: "Modellen", level: 1 })).toBeVisible();
  await expect(page.locator(`tr[data-model="${model}"]`)).toContainText("Proefmodel");
  await expect(page.getByRole("heading", { name: "Een model toevoegen of vervangen" })).toBeVisible();
  await shoot(page, "models");

  await page.goto("/staff/legacy");
  await expect(page.getByRole("heading", { name: "Oude nodes", level: 1 })).toBeVisible();
  await page.getByLabel("Of plak de regels").fill("not-an-id!,nobody@e2e.example.org,Schuur");
  await page.getByRole("button", { name: "Importeren", exact: true }).click();
  await expect(page.getByTestId("legacy-message")).toHaveText("0 geregistreerd, 1 geweigerd.");
  await expect(page.getByTestId("import-report")).toContainText("Regel 1");
  await shoot(page, "legacy");

  await page.goto("/emulator");
  await expect(page.getByRole("heading", { name: "Apparaat-emulator", level: 1 })).toBeVisible();
  await expect(page.getByTestId("countdown")).toContainText(/Nieuwe code over \d+ s/);
  await expect(page.getByRole("heading", { name: "Wat het apparaat ziet" })).toBeVisible();
  await shoot(page, "emulator");
});
