import { expect, test } from "@playwright/test";
import type { Challenge } from "../device/client";
import { claimDevice, deviceShowingCode, signedInApi } from "./api";
import { createAccountWithCli, signIn, typeCode, uniqueEmail } from "./helpers";

// What a keyboard (and a screen reader, which follows focus) relies on: a skip link, focus on
// the new page's heading after navigating, on each stage of a claim, and dialogs that take
// focus, cancel with Escape and give focus back.

test("skip link, focus after navigating and after submitting a claim", async ({ page }) => {
  const p = createAccountWithCli(uniqueEmail("keys"), "participant");
  await signIn(page, p.email, p.password, /\/devices$/);

  // A fresh load: the first Tab reaches the skip link.
  await page.goto("/devices");
  await page.keyboard.press("Tab");
  const skip = page.getByRole("link", { name: "Skip to content" });
  await expect(skip).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("main#main")).toBeFocused();

  // Navigating to /claim puts focus on its heading, not on <body>.
  await page.getByRole("link", { name: "Claim a device", exact: true }).first().click();
  await expect(page).toHaveURL(/\/claim$/);
  await expect(page.getByRole("heading", { level: 1, name: "Claim a device" })).toBeFocused();

  // Submitting a claim moves focus to its progress, then it lands on the device page.
  const d = await deviceShowingCode();
  await typeCode(page, `${d.sid}.${d.code}`);
  await expect(page.getByRole("heading", { name: "Claiming the device…" })).toBeFocused();
  await d.device.answer((await d.poll) as Challenge);
  await expect(page).toHaveURL(/\/devices\/dev_/);
  await expect(page.getByRole("heading", { level: 1 })).toBeFocused();
});

test("the release and lost confirmations take focus, Escape cancels and focus returns to the button", async ({
  page,
}) => {
  const p = createAccountWithCli(uniqueEmail("keys-dialog"), "participant");
  const api = await signedInApi(p.email, p.password);
  const { deviceId, credential } = await claimDevice(api);
  await signIn(page, p.email, p.password, /\/devices$/);
  await page.goto(`/devices/${deviceId}`);
  await page.getByRole("tab", { name: "Settings" }).click();

  for (const [button, confirm] of [
    ["Release this device", `Yes, release ${credential.name}`],
    ["Lost or stolen", `Yes, ${credential.name} is lost or stolen`],
  ]) {
    const trigger = page.getByRole("button", { name: button });
    await trigger.focus();
    await page.keyboard.press("Enter");
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole("button", { name: confirm })).toBeVisible();
    // Focus is inside the dialog, on the safe choice.
    expect(await dialog.evaluate((el) => el.contains(document.activeElement))).toBe(true);
    await page.keyboard.press("Escape");
    await expect(dialog).toHaveCount(0);
    await expect(trigger).toBeFocused();
  }
  // Nothing happened: the device is still online.
  await expect(page.getByTestId("device-status")).toHaveText("Online");
});
