import { expect, test, type Page } from "@playwright/test";
import QRCode from "qrcode";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Challenge } from "../device/client";
import { claim, claimDevice, deviceShowingCode, signedInApi } from "./api";
import { createAccountWithCli, signIn, STAFF, typeCode, uniqueEmail } from "./helpers";

async function participant(page: Page, tag = "claimer") {
  const p = createAccountWithCli(uniqueEmail(tag), "participant");
  await signIn(page, p.email, p.password);
  return { ...p, api: await signedInApi(p.email, p.password) };
}

test("the phone's camera link while signed out: sign in, come back, claimed, and the code never reaches a URL", async ({
  page,
}) => {
  const p = createAccountWithCli(uniqueEmail("deeplink"), "participant");
  const d = await deviceShowingCode();
  const urls: string[] = [];
  page.on("request", (r) => urls.push(r.url() + " " + (r.headers()["referer"] ?? "")));

  await page.goto(`/claim#${d.sid}.${d.code}`);
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fclaim$/);
  await page.getByLabel("Email").fill(p.email);
  await page.getByLabel("Password").fill(p.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/claim$/);
  await expect(page.getByTestId("handshake")).toBeVisible();
  await d.device.answer((await d.poll) as Challenge);
  await expect(page).toHaveURL(/\/devices\/dev_[A-Z2-7]{16}$/);
  expect(urls.filter((u) => u.includes(d.code))).toEqual([]);
});

test("a typed code (any case, spaces) claims; the device page renames and refuses a duplicate name", async ({
  page,
}) => {
  const p = await participant(page);
  const first = await claimDevice(p.api);
  const d = await deviceShowingCode({ model: "coreink-heat" });
  await page.goto("/claim");
  await typeCode(page, `${d.sid}.${d.code}`.toLowerCase().replace(/(.{4})/g, "$1 "));
  await expect(page.getByTestId("handshake")).toBeVisible();
  await d.device.answer((await d.poll) as Challenge);
  await expect(page).toHaveURL(new RegExp(`/devices/${d.device.credential!.deviceId}$`));

  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByLabel("Device name").fill("Living room");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByTestId("rename-message")).toHaveText("Renamed to “Living room”.");
  await expect(page.getByTestId("device-name")).toHaveText("Living room");
  await page.goto(`/devices/${first.deviceId}`);
  await page.getByRole("tab", { name: "Settings" }).click();
  await page.getByLabel("Device name").fill("LIVING ROOM");
  await page.getByRole("button", { name: "Rename" }).click();
  await expect(page.getByTestId("rename-message")).toHaveText("You already have a device called “LIVING ROOM”.");

  await page.goto("/claim");
  await typeCode(page, "not a code");
  await expect(page.getByTestId("typed-error")).toContainText("does not look like a device code");
});

test("a photo of the code claims the device; a photo without one says so", async ({ page }) => {
  await participant(page, "photo");
  const d = await deviceShowingCode();
  const dir = mkdtempSync(path.join(tmpdir(), "claimlink-photo-"));
  const good = path.join(dir, "code.png");
  const other = path.join(dir, "other.png");
  await QRCode.toFile(good, d.device.currentQr().text, { width: 480 });
  await QRCode.toFile(other, "https://example.com/menu", { width: 480 });

  await page.goto("/claim");
  await page.getByText("Use a photo of the code").click();
  await page.getByLabel("Photo").setInputFiles(other);
  await expect(page.getByTestId("scan-notice")).toHaveText("That photo holds a QR code, but not a Claimlink code.");
  await page.getByLabel("Photo").setInputFiles(good);
  await expect(page.getByTestId("handshake")).toBeVisible();
  await d.device.answer((await d.poll) as Challenge);
  await expect(page).toHaveURL(/\/devices\/dev_/);
});

test("each refusal has its own message: stale code, locked, offline, owned by another, quota", async ({
  page,
  browser,
}) => {
  const p = await participant(page, "refusals");

  // A deep-link code that waited more than a minute (through a long sign-in) is stale.
  const d0 = await deviceShowingCode();
  await page.goto("/devices");
  await page.evaluate(
    ([sid, pop]) =>
      sessionStorage.setItem("claimlink.pendingClaim", JSON.stringify({ sid, pop, scannedAt: Date.now() - 70_000 })),
    [d0.sid, d0.code],
  );
  await page.goto("/claim");
  await expect(page.getByTestId("claim-notice")).toContainText("more than a minute old");
  await expect(page.getByText("Type the code instead")).toBeVisible(); // the scanner is open

  // Locked after five wrong codes.
  const locked = await deviceShowingCode();
  for (let i = 0; i < 5; i++) {
    await claim(p.api, { sid: locked.sid, pop: "A".repeat(26) });
    await locked.device.answer((await (i === 0 ? locked.poll : locked.device.poll(0))) as Challenge);
  }
  await page.goto("/claim");
  await typeCode(page, `${locked.sid}.${locked.device.codeAt(0)}`);
  await expect(page.getByTestId("claim-error")).toContainText("Too many wrong codes");

  // Offline: the device started a session but is not polling.
  const { DeviceClient } = await import("../device/client");
  const { BASE } = await import("./api");
  const silent = new DeviceClient(BASE);
  await silent.startSession();
  await page.goto("/claim");
  await typeCode(page, `${silent.session!.sid}.${silent.codeAt(0)}`);
  await expect(page.getByTestId("claim-error")).toHaveText(
    "The device is not connected: is it switched on and online? Once it is, scan its code again.",
  );

  // Owned by another account: that owner's device re-provisions, and this user scans it.
  const owner = createAccountWithCli(uniqueEmail("owner"), "participant");
  const owned = await claimDevice(await signedInApi(owner.email, owner.password));
  const again = await deviceShowingCode({ device: owned.device, signed: true });
  await page.goto("/claim");
  await typeCode(page, `${again.sid}.${again.code}`);
  await expect(page.getByTestId("claim-error")).toContainText("Someone else owns this device");

  // Quota: three devices is this test server's limit.
  for (let i = 0; i < 3; i++) await claimDevice(p.api);
  const fourth = await deviceShowingCode();
  await page.goto("/claim");
  await typeCode(page, `${fourth.sid}.${fourth.code}`);
  await expect(page.getByTestId("claim-error")).toContainText("You have reached your device limit");
  void browser;
});

test("the dashboard: an empty state first, then the device with its status and latest values", async ({ page }) => {
  const p = await participant(page, "dashboard");
  await page.goto("/devices");
  await expect(page.getByTestId("empty-devices")).toContainText("No devices yet");
  const { device, deviceId } = await claimDevice(p.api, {}, { model: "coreink-heat" });
  await device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({
      measurements: [
        { property: "temperature", unit: "Cel", time: Math.floor(Date.now() / 1000) - 30, value: 21.46 },
        { property: "co2", unit: "ppm", time: Math.floor(Date.now() / 1000) - 30, value: 640 },
      ],
    }),
  );
  await page.reload();
  const card = page.locator(`[data-device-id="${deviceId}"]`);
  await expect(card).toContainText(device.credential!.name);
  await expect(card).toContainText("coreink-heat");
  await expect(card.getByTestId("device-status")).toHaveText("Online");
  await expect(card).toContainText("21.5°C");
  await expect(card).toContainText("640 ppm");
  await card.click();
  await expect(page.getByTestId("latest-values")).toContainText("21.5°C");
  await expect(page.getByTestId("device-audit")).toContainText("Claimed");
  // One reading is no line: the chart says it is collecting data, with the reading it has.
  await expect(page.getByTestId("collecting").first()).toContainText("One reading so far");
  await expect(page.getByTestId("chart").locator("canvas")).toHaveCount(0);
  await page.getByRole("tab", { name: "Settings" }).click();
  await expect(page.getByTestId("credential")).toContainText(device.credential!.credentialId);
  await page.getByRole("button", { name: "7 days" }).click();
  await expect(page.getByRole("button", { name: "7 days" })).toHaveAttribute("aria-pressed", "true");

  // Staff revoke it (lost or stolen): the owner sees it at once.
  const staff = await signedInApi(STAFF.email, STAFF.password);
  expect((await staff.post(`/api/v1/staff/devices/${deviceId}/revoke`)).status()).toBe(200);
  await page.reload();
  await expect(page.getByTestId("device-status")).toHaveText("Revoked");
  await page.getByRole("tab", { name: "Settings" }).click();
  await expect(page.getByText("This device has no valid credential")).toBeVisible();
});

test("without a camera the scanner says what to do instead", async ({ page }) => {
  await participant(page, "nocamera");
  await page.goto("/claim"); // the main project's Chromium has no camera at all
  await expect(page.getByTestId("camera-error")).toHaveText(
    "No camera here. Type the code shown under the QR below, or choose a photo of it.",
  );
  await expect(page.getByText("Type the code instead")).toBeVisible();
  // Typing is the way in here, so it is open at once (not folded away under a red box).
  await expect(page.getByLabel("Code under the QR")).toBeVisible();
  await expect(page.getByText("Use a photo of the code")).toBeVisible();
});

test("the emulator is claimed from a second browser, and shows what the device sees", async ({ browser }) => {
  const deviceCtx = await browser.newContext();
  const emulator = await deviceCtx.newPage();
  await emulator.goto("/emulator");
  const code = await emulator.getByTestId("emulator-code").getAttribute("data-code");
  expect(code).toMatch(/^[A-Z2-7]{26}\.[A-Z2-7]{26}$/);
  await expect(emulator.getByTestId("countdown")).toContainText(/New code in \d+ s/);
  await emulator.getByLabel(/Ask on the device before accepting/).check();

  const phoneCtx = await browser.newContext({ viewport: { width: 360, height: 740 } });
  const phone = await phoneCtx.newPage();
  const p = createAccountWithCli(uniqueEmail("emulated"), "participant");
  await signIn(phone, p.email, p.password);
  await phone.goto(`/claim#${code}`);
  // Both at once: the claim times out 4 s after it is made (the e2e server's setting).
  await Promise.all([
    expect(emulator.getByTestId("emulator-confirm")).toContainText("Pat Participant wants to claim this device"),
    expect(phone.getByTestId("press-button")).toHaveText(
      "If the device asks, press the button on the device to confirm.",
    ),
  ]);
  await emulator.getByRole("button", { name: "Accept" }).click();
  await expect(phone).toHaveURL(/\/devices\/dev_/);
  await expect(emulator.getByTestId("emulator-claimed")).toContainText("Claimed: Emulator");
  await expect(emulator.getByTestId("emulator-log")).toContainText("bindMac checks");
  await expect(emulator.getByTestId("emulator-log")).toContainText("Sent a temperature reading");
  await Promise.all([deviceCtx.close(), phoneCtx.close()]);
});

for (const viewport of [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
]) {
  test(`layout at ${viewport.width}x${viewport.height}: no horizontal scroll, nothing overlapping`, async ({
    browser,
  }, testInfo) => {
    const ctx = await browser.newContext({ viewport });
    const page = await ctx.newPage();
    const violations: string[] = [];
    page.on("console", (m) => /Content Security Policy|Refused to/.test(m.text()) && violations.push(m.text()));
    const p = createAccountWithCli(uniqueEmail(`layout${viewport.width}`), "participant");
    await signIn(page, p.email, p.password);
    const { deviceId } = await claimDevice(await signedInApi(p.email, p.password));
    // Each page is measured once its client components have drawn (not after a guessed delay).
    for (const [name, url, drawn] of [
      ["devices", "/devices", page.getByTestId("device-status")],
      ["device", `/devices/${deviceId}`, page.getByText("No measurements in this period.")],
      ["claim", "/claim", page.getByTestId("camera-error")],
      ["emulator", "/emulator", page.getByTestId("countdown")],
      ["account", "/account", page.getByTestId("session-list")],
    ] as const) {
      await page.goto(url);
      await page.locator("h1").first().waitFor();
      await expect(drawn.first()).toBeVisible();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow, `${url} scrolls sideways`).toBeLessThanOrEqual(0);
      const overlaps = await page.evaluate(() => {
        const boxes = [...document.querySelectorAll("h1, h2, button, a.button, input, select, .badge, .value")]
          .filter((e) =>
            e.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true, contentVisibilityAuto: true }),
          )
          .map((e) => ({ e, r: e.getBoundingClientRect() }));
        const hits: string[] = [];
        for (let i = 0; i < boxes.length; i++)
          for (let j = i + 1; j < boxes.length; j++) {
            const a = boxes[i],
              b = boxes[j];
            if (a.e.contains(b.e) || b.e.contains(a.e)) continue;
            const x = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
            const y = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
            if (x > 2 && y > 2) hits.push(`${a.e.textContent?.slice(0, 20)} / ${b.e.textContent?.slice(0, 20)}`);
          }
        return hits;
      });
      expect(overlaps, `${url} has overlapping elements`).toEqual([]);
      const shot = testInfo.outputPath(`${name}-${viewport.width}x${viewport.height}.png`);
      await page.screenshot({ path: shot, fullPage: true });
      await testInfo.attach(path.basename(shot), { path: shot, contentType: "image/png" });
    }
    expect(violations, "Content-Security-Policy violations").toEqual([]);
    await ctx.close();
  });
}
