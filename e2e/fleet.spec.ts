import { expect, test } from "@playwright/test";
import { claimDevice, newParticipant } from "./api";
import { rowAction, signIn, STAFF } from "./helpers";

test("staff find a participant's device in the fleet, send it a command, and revoke it at once", async ({ page }) => {
  const owner = await newParticipant("fleet");
  const { device, deviceId } = await claimDevice(owner.api, {}, { model: "coreink-heat" });
  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.getByRole("link", { name: "Fleet", exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/devices$/);
  await page.getByLabel("Search by name, id, model or owner").fill(owner.email);
  await page.getByRole("button", { name: "Search", exact: true }).click();
  const row = page.locator(`tr[data-device-id="${deviceId}"]`);
  await expect(page.locator("tr[data-device-id]")).toHaveCount(1);
  await expect(row).toContainText(owner.email);
  await expect(row).toContainText("coreink-heat");
  await expect(row.getByTestId("device-status")).toHaveText("Online");

  // A row's actions are in one menu; its outcome is announced in a toast.
  await rowAction(row, `Actions for ${device.credential!.name}`, "Identify");
  await expect(page.getByTestId("toast").filter({ hasText: "Identify sent" })).toBeVisible();
  const me = await device.signed("GET", "/api/v1/devices/me");
  expect((me.body as { commands: { type: string }[] }).commands.map((c) => c.type)).toEqual(["identify"]);

  await rowAction(row, `Actions for ${device.credential!.name}`, "Revoke", `Yes, revoke ${device.credential!.name}`);
  await expect(page.getByTestId("toast").filter({ hasText: "is revoked" })).toBeVisible();
  await expect(row.getByTestId("device-status")).toHaveText("Revoked");
  // A revoked device offers no commands and no revoke any more.
  await expect(row.getByRole("button", { name: `Actions for ${device.credential!.name}` })).toHaveCount(0);
  const after = await device.signed("GET", "/api/v1/devices/me");
  expect([after.status, (after.body as { code: string }).code]).toEqual([401, "credential_revoked"]);
});
