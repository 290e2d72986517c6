import { expect, test } from "@playwright/test";
import type { Challenge } from "../device/client";
import type { DeviceClient } from "../device/client";
import { claimDevice, deviceShowingCode, signedInApi } from "./api";
import { createAccountWithCli, uniqueEmail } from "./helpers";
import { screenshotsIn } from "./shots";

// The language of a page does not depend on the database: these run once, on the embedded one
// (the same flows run in English on both databases).
test.skip(!!process.env.DATABASE_URL, "Dutch pages are checked once, on the embedded database");

// The device list and the device page in Dutch (docs/i18n.md): a participant whose browser asks
// for Dutch claims by the link the phone's camera opens, then reads, renames and releases.

const SHOTS = "e2e/.tmp/dutch-devices";

async function sendReading(device: DeviceClient, value: number, agoSeconds: number) {
  const r = await device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({
      measurements: [{ property: "temperature", unit: "Cel", time: Math.floor(Date.now() / 1000) - agoSeconds, value }],
    }),
  );
  expect(r.status).toBe(200);
}

/** The page at a phone's and a laptop's width, for a person to look at (not compared). */
const shoot = screenshotsIn(SHOTS);

test.use({ locale: "nl-NL" });

test("the camera's claim link, signed out: sign in, the device is claimed, then read, renamed and released in Dutch", async ({
  page,
}) => {
  const p = createAccountWithCli(uniqueEmail("nl-devices"), "participant");
  const d = await deviceShowingCode({ model: "coreink-heat" });
  await page.goto(`/claim#${d.sid}.${d.code}`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fclaim$/);
  await page.getByLabel("E-mailadres").fill(p.email);
  await page.getByLabel("Wachtwoord").fill(p.password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await expect(page).toHaveURL(/\/claim$/);
  await expect(page.getByTestId("handshake")).toBeVisible();
  await d.device.answer((await d.poll) as Challenge);
  await expect(page).toHaveURL(/\/devices\/dev_[A-Z2-7]{16}$/);
  const deviceId = d.device.credential!.deviceId;
  const name = d.device.credential!.name;

  // Before any reading, and after the first: the chart waits for the second.
  await expect(page.getByText("Nog geen metingen. Ze verschijnen hier zodra het apparaat ze stuurt.")).toBeVisible();
  await sendReading(d.device, 21.5, 60);
  await page.reload();
  await expect(page.getByTestId("device-status")).toHaveText("Online");
  await expect(page.getByTestId("latest-values")).toContainText("Temperatuur");
  await expect(page.getByTestId("latest-values")).toContainText("21,5 °C");
  await expect(page.getByTestId("collecting")).toContainText("Tot nu toe één meting: 21,5 °C om");
  await expect(
    page.getByText(/^coreink-heat · firmware 1\.0\.0 · laatst gezien (zojuist|1 min geleden)$/),
  ).toBeVisible();
  await expect(page.getByRole("tab", { name: "Activiteit" })).toBeVisible();

  // The list: the device as a card, in Dutch words and numbers.
  await page.getByRole("link", { name: "Je apparaten" }).first().click();
  await expect(page.getByRole("heading", { name: "Je apparaten", level: 1 })).toBeVisible();
  const card = page.locator(`[data-device-id="${deviceId}"]`);
  await expect(card.getByTestId("device-status")).toHaveText("Online");
  await expect(card).toContainText("21,5 °C");
  await expect(card).toContainText("laatst gezien");

  // A rename, and a refusal by its code in Dutch: another device of theirs has the name already.
  const api = await signedInApi(p.email, p.password);
  const other = await claimDevice(api, {}, { model: "coreink-heat" });
  await page.goto(`/devices/${deviceId}`);
  await page.getByRole("tab", { name: "Instellingen" }).click();
  const field = page.getByLabel("Naam van het apparaat");
  await expect(field).toHaveValue(name);
  await field.fill(other.credential.name);
  await page.getByRole("button", { name: "Naam wijzigen" }).click();
  await expect(page.getByTestId("rename-message")).toHaveText(
    `Je hebt al een apparaat dat “${other.credential.name}” heet.`,
  );
  await expect(page.getByTestId("device-name")).toHaveText(name);
  await field.fill("Woonkamer");
  await page.getByRole("button", { name: "Naam wijzigen" }).click();
  await expect(page.getByTestId("rename-message")).toHaveText("De nieuwe naam is “Woonkamer”.");
  await expect(page.getByTestId("device-name")).toHaveText("Woonkamer");

  // Release (ontkoppelen): asked first, then the device is cut off and its history stays read-only.
  await page.getByRole("button", { name: "Dit apparaat ontkoppelen" }).click();
  await page.getByRole("button", { name: "Houden" }).click();
  await expect(page.getByTestId("device-name")).toHaveText("Woonkamer");
  await page.getByRole("button", { name: "Dit apparaat ontkoppelen" }).click();
  await page.getByRole("button", { name: "Ja, Woonkamer ontkoppelen" }).click();
  await expect(page).toHaveURL(/\/devices$/);
  expect((await d.device.signed("GET", "/api/v1/devices/me")).status).toBe(401);
  const released = page.getByTestId("released-list");
  await expect(page.getByRole("heading", { name: "Ontkoppeld" })).toBeVisible();
  await expect(released).toContainText(/coreink-heat · ontkoppeld op \d{1,2} [a-z]{3}\.? 20\d\d/);
  await released.getByRole("link", { name: "Woonkamer" }).click();
  await expect(page.getByTestId("released-notice")).toContainText("Je hebt dit apparaat ontkoppeld op");
  await expect(page.getByTestId("latest-values")).toContainText("21,5 °C");
  await expect(page.getByRole("button", { name: "Dit apparaat ontkoppelen" })).toHaveCount(0);
});

test("the device list and a device page with a drawn chart, at a phone's and a laptop's width", async ({ page }) => {
  const p = createAccountWithCli(uniqueEmail("nl-shots"), "participant");
  const api = await signedInApi(p.email, p.password);
  const { device, deviceId } = await claimDevice(api, {}, { model: "coreink-heat" });
  await sendReading(device, 20.25, 1800);
  await sendReading(device, 21.5, 60);
  await page.goto("/sign-in");
  await page.getByLabel("E-mailadres").fill(p.email);
  await page.getByLabel("Wachtwoord").fill(p.password);
  await page.getByRole("button", { name: "Inloggen", exact: true }).click();
  await expect(page).toHaveURL(/\/devices$/);
  await expect(page.getByTestId("device-list")).toContainText("21,5 °C");
  await shoot(page, "devices");
  await page.goto(`/devices/${deviceId}`);
  await expect(page.locator(".chart canvas, .chart .u-over").first()).toBeVisible();
  await expect(page.getByRole("group", { name: "Periode" }).getByRole("button", { name: "7 dagen" })).toBeVisible();
  await shoot(page, "device");
  await page.getByRole("tab", { name: "Instellingen" }).click();
  await shoot(page, "device-settings");
});
