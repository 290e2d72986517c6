import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { expect, test, type APIRequestContext, type Browser, type Page } from "@playwright/test";
import { DeviceClient, type Challenge } from "../device/client";
import { BASE, claimDevice, deviceShowingCode, signedInApi, staffApi } from "./api";
import { createAccountWithCli, signIn, typeCode, uniqueEmail } from "./helpers";

// What an owner does with a device, and what a link from elsewhere must not make them do.
// The "attacker" is a web page on another origin served by this test (127.0.0.1, another port):
// it sends the visitor to a claim link, by script or through an HTTP redirect.

const ATTACKER_PORT = Number(process.env.E2E_PORT ?? 3100) + 8;
const ATTACKER = `http://127.0.0.1:${ATTACKER_PORT}`;
let attacker: Server;

test.beforeAll(async () => {
  attacker = createServer((req, res) => {
    const url = new URL(req.url ?? "/", ATTACKER);
    const to = url.searchParams.get("to") ?? "/";
    if (url.pathname === "/redirect") {
      res.writeHead(302, { location: to });
      res.end();
    } else if (url.pathname === "/script") {
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><script>location.href = ${JSON.stringify(to)};</script>`);
    } else {
      const via = `/redirect?to=${encodeURIComponent(to)}`;
      res.writeHead(200, { "content-type": "text/html" });
      res.end(`<!doctype html><a id="go" href="${via}">Win a prize</a>`);
    }
  });
  await new Promise<void>((resolve) => attacker.listen(ATTACKER_PORT, "127.0.0.1", () => resolve()));
});
test.afterAll(() => new Promise<void>((resolve) => attacker.close(() => resolve())));

async function participant(page: Page, tag: string) {
  const p = createAccountWithCli(uniqueEmail(tag), "participant");
  await signIn(page, p.email, p.password);
  return { ...p, api: await signedInApi(p.email, p.password) };
}

/** The device's view of its session right now: "waiting" means nobody has claimed it. */
async function sessionState(device: DeviceClient) {
  return ((await device.poll(0)) as { state: string }).state;
}

async function signedGet(device: DeviceClient, path = "/api/v1/devices/me") {
  const r = await device.signed("GET", path);
  return { status: r.status, body: r.body as Record<string, unknown> };
}

async function sendReading(device: DeviceClient, value: number, agoSeconds = 30) {
  const r = await device.signed(
    "POST",
    "/api/v1/devices/me/measurements",
    JSON.stringify({
      measurements: [{ property: "temperature", unit: "Cel", time: Math.floor(Date.now() / 1000) - agoSeconds, value }],
    }),
  );
  expect(r.status).toBe(200);
}

test.describe("claim links", () => {
  test("a cross-site page sending a signed-in person to a claim link does not claim: they see the device and must tap", async ({
    page,
  }) => {
    const p = await participant(page, "xsite");
    const d = await deviceShowingCode({ model: "attacker-board" });
    const link = `${BASE}/claim#${d.sid}.${d.code}`;

    // By script, from the other origin.
    await page.goto(`${ATTACKER}/script?to=${encodeURIComponent(link)}`);
    await expect(page.getByTestId("claim-confirm")).toBeVisible();
    await expect(page.getByRole("heading", { name: "Claim this device?" })).toBeFocused();
    await expect(page.getByTestId("confirm-device")).toContainText("attacker-board");
    await expect(page.getByTestId("confirm-device")).toContainText("1.0.0");
    expect(await sessionState(d.device)).toBe("waiting");

    // A link on the other site that answers with an HTTP redirect to the claim link.
    await page.goto(`${ATTACKER}/?to=${encodeURIComponent(link)}`);
    await page.locator("#go").click();
    await expect(page).toHaveURL(/\/claim$/);
    await expect(page.getByTestId("claim-confirm")).toBeVisible();
    expect(await sessionState(d.device)).toBe("waiting");
    void p;

    // The person decides it is theirs: one tap claims it, and the progress shows what it is.
    await page.getByRole("button", { name: "Claim this device" }).click();
    await expect(page.getByTestId("handshake-device")).toContainText("attacker-board");
    const ch = (await d.device.poll(10)) as Challenge;
    expect(ch.state).toBe("challenge");
    await d.device.answer(ch);
    await expect(page).toHaveURL(/\/devices\/dev_[A-Z2-7]{16}$/);
  });

  test("the phone's camera opening the link (no initiator) claims with no tap, showing the model and firmware", async ({
    page,
  }) => {
    await participant(page, "camera-link");
    const d = await deviceShowingCode({ model: "coreink-heat" });
    await page.goto(`/claim#${d.sid}.${d.code}`);
    await expect(page.getByTestId("handshake")).toBeVisible();
    await expect(page.getByTestId("handshake-device")).toHaveText("Device: coreink-heat, firmware 1.0.0");
    await expect(page.getByTestId("claim-confirm")).toHaveCount(0);
    await d.device.answer((await d.poll) as Challenge);
    await expect(page).toHaveURL(/\/devices\/dev_/);
  });

  test("replaces always asks on a screen that names the device, and never travels through sign-in", async ({
    page,
    browser,
  }) => {
    const p = await participant(page, "replaces");
    const victim = await claimDevice(p.api, {}, { model: "coreink-heat" });
    const name = victim.credential.name;

    // Even opened from outside the browser, a replacement waits for the person.
    const d = await deviceShowingCode({ model: "new-board" });
    await page.goto(`/claim?replaces=${victim.deviceId}#${d.sid}.${d.code}`);
    await expect(page.getByRole("heading", { name: `Replace ${name}?` })).toBeVisible();
    await expect(page.getByTestId("confirm-replace")).toContainText(name);
    await expect(page.getByTestId("confirm-device")).toContainText("new-board");
    expect(await sessionState(d.device)).toBe("waiting");
    // Cancel: nothing replaced; the old board still works.
    await page.getByRole("button", { name: "Cancel" }).click();
    expect(await sessionState(d.device)).toBe("waiting");
    expect((await signedGet(victim.device)).status).toBe(200);

    // The person's own scanner (here the typed code) with replaces also asks, then replaces.
    await typeCode(page, `${d.sid}.${d.device.codeAt(0)}`);
    await expect(page.getByRole("heading", { name: `Replace ${name}?` })).toBeVisible();
    expect(await sessionState(d.device)).toBe("waiting");
    await page.getByRole("button", { name: `Replace ${name}` }).click();
    const ch = (await d.device.poll(10)) as Challenge;
    await d.device.answer(ch);
    await expect(page).toHaveURL(new RegExp(`/devices/${victim.deviceId}$`));
    expect(d.device.credential!.deviceId).toBe(victim.deviceId);
    expect((await signedGet(victim.device)).body.code).toBe("credential_revoked");

    // Signed out, a cross-site link with replaces: after sign-in only the code is left, and it asks.
    const ctx = await browser.newContext();
    const fresh = await ctx.newPage();
    const e = await deviceShowingCode({ model: "evil-board" });
    const link = `${BASE}/claim?replaces=${victim.deviceId}#${e.sid}.${e.code}`;
    await fresh.goto(`${ATTACKER}/script?to=${encodeURIComponent(link)}`);
    await expect(fresh).toHaveURL(/\/sign-in\?next=%2Fclaim$/);
    await fresh.getByLabel("Email").fill(p.email);
    await fresh.getByLabel("Password").fill(p.password);
    await fresh.getByRole("button", { name: "Sign in" }).click();
    await expect(fresh).toHaveURL(/\/claim$/);
    await expect(fresh.getByRole("heading", { name: "Claim this device?" })).toBeVisible();
    await expect(fresh.getByTestId("confirm-device")).toContainText("evil-board");
    expect(await sessionState(e.device)).toBe("waiting");
    await ctx.close();

    // Someone else's device id in replaces: it is not named, nothing is replaced.
    const stranger = createAccountWithCli(uniqueEmail("other"), "participant");
    const other = await claimDevice(await signedInApi(stranger.email, stranger.password));
    await page.goto(`/claim?replaces=${other.deviceId}`);
    await expect(page.getByTestId("replaces-unknown")).toBeVisible();
    await expect(page.getByTestId("replacing-notice")).toHaveCount(0);
  });
});

test.describe("an owner's device", () => {
  test("lost or stolen: the board is cut off at once, the record stays, and a replacement carries it on", async ({
    page,
  }) => {
    const p = await participant(page, "lost");
    const { device, deviceId, credential } = await claimDevice(p.api, {}, { model: "coreink-heat" });
    await sendReading(device, 19.5);
    await page.goto(`/devices/${deviceId}`);
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Lost or stolen" }).click();
    await page.getByRole("button", { name: `Yes, ${credential.name} is lost or stolen` }).click();
    await expect(page.getByTestId("lost-notice")).toContainText("Reported lost or stolen");
    await expect(page.getByTestId("device-status")).toHaveText("Lost or stolen");
    await expect(page.getByTestId("latest-values")).toContainText("19.5°C");
    const after = await signedGet(device);
    expect([after.status, after.body.code]).toEqual([401, "credential_revoked"]);
    // Whoever holds the board cannot use the old credential to start a session as this device.
    expect(
      await device.startSession(true).then(
        () => "started",
        (e: Error) => e.message,
      ),
    ).toMatch(/credential_revoked/);

    await page.goto("/devices");
    const card = page.locator(`[data-device-id="${deviceId}"]`);
    await expect(card.getByTestId("device-status")).toHaveText("Lost or stolen");

    // New hardware continues the same record.
    await page.goto(`/devices/${deviceId}`);
    await page.getByTestId("lost-notice").getByRole("link", { name: "Claim a replacement" }).click();
    const d = await deviceShowingCode({ model: "coreink-heat" });
    await typeCode(page, `${d.sid}.${d.code}`);
    await page.getByRole("button", { name: `Replace ${credential.name}` }).click();
    await d.device.answer((await d.device.poll(10)) as Challenge);
    await expect(page).toHaveURL(new RegExp(`/devices/${deviceId}$`));
    await expect(page.getByTestId("device-status")).toHaveText("Online");
    await expect(page.getByTestId("latest-values")).toContainText("19.5°C");
    await expect(page.getByTestId("lost-notice")).toHaveCount(0);
    const audit = await page.getByTestId("device-audit").textContent();
    // The activity in words, not codes.
    expect(audit).toContain("Reported lost or stolen");
    expect(audit).toContain("New hardware took over this device");
  });

  test("release: the board is cut off, the former owner keeps the history read-only, the next owner starts afresh", async ({
    page,
    browser,
  }) => {
    const p = await participant(page, "release");
    const { device, deviceId, credential } = await claimDevice(p.api, {}, { model: "coreink-heat" });
    await sendReading(device, 22.25);
    await page.goto(`/devices/${deviceId}`);
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Release this device" }).click();
    await page.getByRole("button", { name: `Yes, release ${credential.name}` }).click();
    await expect(page).toHaveURL(/\/devices$/);
    expect((await signedGet(device)).body.code).toBe("credential_revoked");

    const released = page.getByTestId("released-list");
    await expect(released).toContainText(credential.name);
    await released.getByRole("link", { name: credential.name }).click();
    await expect(page.getByTestId("released-notice")).toContainText("You released this device");
    await expect(page.getByTestId("latest-values")).toContainText("22.3°C");
    await expect(page.getByLabel("Device name")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Release this device" })).toHaveCount(0);
    expect((await p.api.patch(`/api/v1/devices/${deviceId}`, { data: { name: "Back" } })).status()).toBe(404);
    expect((await p.api.get(`/api/v1/devices/${deviceId}/series?range=24h`)).status()).toBe(200);

    // The board provisions afresh and another household claims it: a new record, no history.
    const next = createAccountWithCli(uniqueEmail("next-owner"), "participant");
    const nextApi = await signedInApi(next.email, next.password);
    const again = await claimDevice(nextApi, {}, { model: "coreink-heat" });
    expect(again.deviceId).not.toBe(deviceId);
    const ctx = await browser.newContext();
    const nextPage = await ctx.newPage();
    await signIn(nextPage, next.email, next.password);
    await nextPage.goto(`/devices/${again.deviceId}`);
    await expect(nextPage.getByText("No measurements yet")).toBeVisible();
    await nextPage.goto(`/devices/${deviceId}`);
    await expect(nextPage.getByRole("heading", { name: "Page not found" })).toBeVisible();
    await ctx.close();
  });

  test("identify and the measurement interval reach the device through its commands; outside the limits is refused", async ({
    page,
  }) => {
    const p = await participant(page, "commands");
    const { device, deviceId } = await claimDevice(p.api);
    await page.goto(`/devices/${deviceId}`);
    await page.getByRole("tab", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Identify (blink or beep)" }).click();
    await expect(page.getByTestId("command-message")).toContainText("blink or beep");
    await page.getByLabel(/Measure every/).fill("300");
    await page.getByRole("button", { name: "Set interval" }).click();
    await expect(page.getByTestId("command-message")).toContainText("every 300 seconds");
    const me = await signedGet(device);
    expect((me.body.commands as { type: string }[]).map((c) => c.type)).toEqual(["identify", "set_config"]);
    expect(me.body.config).toEqual({ measurementIntervalSeconds: 300 });

    for (const s of [59, 3601]) {
      const r = await p.api.post(`/api/v1/devices/${deviceId}/commands`, {
        data: { type: "set_interval", measurementIntervalSeconds: s },
      });
      expect(r.status()).toBe(400);
      expect((await r.json()).detail).toContain("between 60 and 3600 seconds");
    }
    const reprovision = await p.api.post(`/api/v1/devices/${deviceId}/commands`, { data: { type: "reprovision" } });
    expect(reprovision.status()).toBe(400);
    expect(((await signedGet(device)).body.commands as unknown[]).length).toBe(2);
  });
});

async function viewerPage(browser: Browser, email: string, password: string) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, email, password);
  return { ctx, page };
}

async function refusedAll(api: APIRequestContext, deviceId: string) {
  const statuses = [
    (await api.patch(`/api/v1/devices/${deviceId}`, { data: { name: "Mine now" } })).status(),
    (await api.post(`/api/v1/devices/${deviceId}/release`)).status(),
    (await api.post(`/api/v1/devices/${deviceId}/lost`)).status(),
    (await api.post(`/api/v1/devices/${deviceId}/shares`, { data: { email: "x@e2e.example.org" } })).status(),
    (await api.post(`/api/v1/devices/${deviceId}/commands`, { data: { type: "identify" } })).status(),
  ];
  return statuses;
}

test("households: a viewer sees values and history read-only; the owner ends the share; a release ends it too", async ({
  page,
  browser,
}) => {
  const p = await participant(page, "household");
  const v = createAccountWithCli(uniqueEmail("viewer"), "participant");
  const { device, deviceId, credential } = await claimDevice(p.api, {}, { model: "coreink-heat" });
  await sendReading(device, 20.5, 600); // two readings: the chart draws from the second
  await sendReading(device, 20.75);

  await page.goto(`/devices/${deviceId}`);
  await page.getByRole("tab", { name: "Sharing" }).click();
  await expect(page.getByTestId("no-shares")).toBeVisible();
  await page.getByLabel("Their Claimlink account's email").fill("nobody.at.all@e2e.example.org");
  await page.getByRole("button", { name: "Share", exact: true }).click();
  await expect(page.getByTestId("share-message")).toContainText("no Claimlink account with that email");
  await page.getByLabel("Their Claimlink account's email").fill(v.email.toUpperCase());
  await page.getByRole("button", { name: "Share", exact: true }).click();
  await expect(page.getByTestId("share-message")).toHaveText(`Shared with ${v.email}.`);
  await expect(page.getByTestId("share-list")).toContainText(v.email);
  await page.getByRole("tab", { name: "Activity" }).click();
  await expect(page.getByTestId("device-audit")).toContainText("Shared with another account");

  const viewer = await viewerPage(browser, v.email, v.password);
  await viewer.page.goto("/devices");
  await expect(viewer.page.getByTestId("empty-devices")).toBeVisible();
  const card = viewer.page.getByTestId("shared-list").locator(`[data-device-id="${deviceId}"]`);
  await expect(card).toContainText("Shared by Pat Participant");
  await expect(card).toContainText("20.8°C");
  await card.click();
  await expect(viewer.page.getByTestId("viewer-notice")).toBeVisible();
  await expect(viewer.page.getByTestId("latest-values")).toContainText("20.8°C");
  await expect(viewer.page.getByTestId("chart").locator("canvas").first()).toBeVisible();
  for (const hidden of ["Device name", "Their Claimlink account's email"])
    await expect(viewer.page.getByLabel(hidden)).toHaveCount(0);
  for (const hidden of ["Release this device", "Lost or stolen", "Identify (blink or beep)"])
    await expect(viewer.page.getByRole("button", { name: hidden })).toHaveCount(0);
  await expect(viewer.page.getByTestId("credential")).toHaveCount(0);
  await expect(viewer.page.getByTestId("device-audit")).toHaveCount(0);
  // The viewer downloads the readings as CSV from the page: spreadsheet headers, UTC times, units.
  const [download] = await Promise.all([
    viewer.page.waitForEvent("download"),
    viewer.page.getByTestId("export-link").click(),
  ]);
  const csv = readFileSync(await download.path(), "utf8")
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(csv[0]).toBe("time (UTC),property,value,unit,verification");
  expect(csv).toHaveLength(3);
  expect(csv[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z,temperature,20\.5,Cel,signed$/);
  expect(csv[2]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z,temperature,20\.75,Cel,signed$/);
  const vApi = await signedInApi(v.email, v.password);
  expect(await refusedAll(vApi, deviceId)).toEqual([404, 404, 404, 404, 404]);
  // Each refused change is in the audit log, under the viewer's account.
  const viewerId = (await (await vApi.get("/api/auth/session")).json()).user.id;
  const staff = await staffApi();
  const { events } = await (await staff.get(`/api/v1/staff/audit?account=${viewerId}`)).json();
  expect(events.map((e: { action: string }) => e.action)).toEqual(
    expect.arrayContaining([
      "device.rename_refused",
      "device.release_refused",
      "device.lost_refused",
      "device.share_refused",
      "device.command_refused",
    ]),
  );
  await staff.dispose();
  expect((await vApi.get(`/api/v1/devices/${deviceId}/series?range=24h`)).status()).toBe(200);
  expect((await signedGet(device)).body).toMatchObject({ name: credential.name, commands: [] });
  // A viewer cannot make new hardware take the shared device over.
  const board = await deviceShowingCode();
  const takeover = await vApi.post("/api/v1/claims", { data: { sid: board.sid, pop: board.code, replaces: deviceId } });
  expect([takeover.status(), (await takeover.json()).code]).toEqual([403, "not_owner"]);

  // The owner ends it: the viewer loses sight of it on their next request.
  await page.getByRole("tab", { name: "Sharing" }).click();
  await page.getByRole("button", { name: `Stop sharing with ${v.email}` }).click();
  await expect(page.getByTestId("no-shares")).toBeVisible();
  expect((await vApi.get(`/api/v1/devices/${deviceId}/series?range=24h`)).status()).toBe(404);
  await viewer.page.reload();
  await expect(viewer.page.getByRole("heading", { name: "Page not found" })).toBeVisible();

  // Shared again, then released: the share ends with the release.
  await page.getByLabel("Their Claimlink account's email").fill(v.email);
  await page.getByRole("button", { name: "Share", exact: true }).click();
  await expect(page.getByTestId("share-list")).toContainText(v.email);
  expect((await vApi.get(`/api/v1/devices/${deviceId}/series?range=24h`)).status()).toBe(200);
  expect((await p.api.post(`/api/v1/devices/${deviceId}/release`)).status()).toBe(204);
  expect((await vApi.get(`/api/v1/devices/${deviceId}/series?range=24h`)).status()).toBe(404);
  await viewer.page.goto("/devices");
  await expect(viewer.page.getByTestId("shared-list")).toHaveCount(0);
  await viewer.ctx.close();
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("the header is a menu: a button that says whether it is open, focus moves in, Escape closes it", async ({
    page,
  }) => {
    await participant(page, "phone");
    await page.goto("/devices");
    const menu = page.getByRole("button", { name: "Menu" });
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(page.getByRole("link", { name: "Devices", exact: true })).toBeHidden();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);

    await menu.focus();
    await page.keyboard.press("Enter");
    await expect(menu).toHaveAttribute("aria-expanded", "true");
    await expect(page.getByRole("link", { name: "Devices", exact: true })).toBeFocused();
    await expect(page.getByRole("button", { name: "Sign out" })).toBeVisible();
    await page.keyboard.press("Escape");
    await expect(menu).toHaveAttribute("aria-expanded", "false");
    await expect(menu).toBeFocused();
    await expect(page.getByRole("link", { name: "Devices", exact: true })).toBeHidden();

    // Following a link closes it on the next page.
    await menu.click();
    await page.getByRole("link", { name: "Pat Participant" }).click();
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.getByRole("button", { name: "Menu" })).toHaveAttribute("aria-expanded", "false");
  });

  test("wide screens keep the links in the header, without a menu button", async ({ page }) => {
    await page.setViewportSize({ width: 1200, height: 800 });
    await participant(page, "wide");
    await expect(page.getByRole("button", { name: "Menu" })).toBeHidden();
    await expect(page.getByRole("link", { name: "Devices", exact: true })).toBeVisible();
  });
});
