import { expect, test } from "@playwright/test";
import type { Challenge } from "../device/client";
import { deviceShowingCode } from "./api";
import { showOnCamera } from "./fake-camera";
import { createAccountWithCli, signIn, uniqueEmail } from "./helpers";

// The in-page scanner with a real (fake) camera: Chromium plays a video of the QR code that a
// simulated device is showing right now.

test("the scanner reads the device's QR from the camera, claims it, and lands on the device page", async ({ page }) => {
  const p = createAccountWithCli(uniqueEmail("camera"), "participant");
  await signIn(page, p.email, p.password);
  const d = await deviceShowingCode({ model: "coreink-heat" });
  // The PoP this frame was drawn with: by the time the page sends it the device may show the next.
  const shown = d.device.currentQr();
  showOnCamera(shown.text);

  const claimRequest = page.waitForRequest((r) => r.url().endsWith("/api/v1/claims") && r.method() === "POST");
  await page.goto("/claim");
  await expect(page.getByTestId("camera")).toBeVisible();
  const sent = await claimRequest;
  expect(sent.postDataJSON()).toEqual({ sid: d.sid, pop: shown.pop });

  await expect(page.getByTestId("handshake")).toContainText("Waiting for the device to confirm");
  await d.device.answer((await d.poll) as Challenge);
  await expect(page.getByTestId("claim-done")).toContainText("is yours");
  await expect(page).toHaveURL(new RegExp(`/devices/${d.device.credential!.deviceId}$`));
  await expect(page.getByTestId("device-name")).toHaveText(d.device.credential!.name);
});

test("a QR code that is not Claimlink's is named as such, and the scanner keeps going", async ({ page }) => {
  const p = createAccountWithCli(uniqueEmail("camera-other"), "participant");
  await signIn(page, p.email, p.password);
  showOnCamera("https://example.com/menu");
  let claims = 0;
  page.on("request", (r) => r.url().endsWith("/api/v1/claims") && claims++);
  await page.goto("/claim");
  await expect(page.getByTestId("scan-notice")).toHaveText(
    "That is not a Claimlink code. Point the camera at the code on the device's screen.",
  );
  await page.waitForTimeout(500);
  await expect(page.getByTestId("camera")).toBeVisible();
  expect(claims).toBe(0);
});
