import { expect, test } from "@playwright/test";
import { claimDevice, newParticipant } from "./api";
import { signIn, STAFF } from "./helpers";

test("staff find a participant's device in the fleet, send it a command, and revoke it at once", async ({ page }) => {
  const owner = await newParticipant("fleet");
  const { device, deviceId } = await claimDevice(owner.api, {}, { model: "coreink-heat" });
  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.getByRole("link", { name: "Fleet" }).click();
  await expect(page).toHaveURL(/\/staff\/devices$/);
  await page.getByLabel("Search by name, id, model or owner").fill(owner.email);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const row = page.locator(`tr[data-device-id="${deviceId}"]`);
  await expect(page.locator("tr[data-device-id]")).toHaveCount(1);
  await expect(row).toContainText(owner.email);
  await expect(row).toContainText("coreink-heat");
  await expect(row.getByTestId("device-status")).toHaveText("Online");

  await row.getByRole("button", { name: "Identify" }).click();
  await expect(row.getByText("Identify sent")).toBeVisible();
  const me = await device.signed("GET", "/api/v1/devices/me");
  expect((me.body as { commands: { type: string }[] }).commands.map((c) => c.type)).toEqual(["identify"]);

  await row.getByRole("button", { name: `Revoke ${device.credential!.name}` }).click();
  await row.getByRole("button", { name: `Yes, revoke ${device.credential!.name}` }).click();
  await expect(row.getByText("is revoked")).toBeVisible();
  await expect(row.getByTestId("device-status")).toHaveText("Revoked");
  const after = await device.signed("GET", "/api/v1/devices/me");
  expect([after.status, (after.body as { code: string }).code]).toEqual([401, "credential_revoked"]);
});
