import { expect, test, type Page } from "@playwright/test";
import jsQR from "jsqr";
import { generate } from "otplib";
import { PNG } from "pngjs";
import { startApp } from "./app-process";
import { createAccountWithCli, rowAction, signIn, STAFF, uniqueEmail } from "./helpers";

/** Reads the QR code the page shows, as an authenticator app would. */
async function readQr(page: Page): Promise<string> {
  const src = await page.getByTestId("totp-qr").getAttribute("src");
  expect(src).toMatch(/^data:image\/png;base64,/); // drawn on our own origin, no third party
  const png = PNG.sync.read(Buffer.from(src!.split(",")[1], "base64"));
  const decoded = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  expect(decoded).not.toBeNull();
  return decoded!.data;
}

/** Signs out and waits until the session is gone: /sign-in redirects a signed-in visitor away. */
async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

async function passwordStep(page: Page, email: string, password: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** A code from a later step than any used so far (a code is never accepted twice). */
async function freshCode(secret: string, used: Set<string>): Promise<string> {
  for (let i = 0; i < 80; i++) {
    const code = await generate({ secret });
    if (!used.has(code)) {
      used.add(code);
      return code;
    }
    await new Promise((r) => setTimeout(r, 500)); // wait for the next 30-second step
  }
  throw new Error("no fresh TOTP code");
}

test("enrol two-factor from the QR, sign in with password and code, a recovery code works once, staff reset ends sessions", async ({
  browser,
}) => {
  test.setTimeout(150_000);
  const { email, password } = createAccountWithCli(uniqueEmail("totp"), "participant");
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, email, password);
  await page.goto("/account/security");
  await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const uri = await readQr(page);
  const url = new URL(uri);
  expect(url.protocol).toBe("otpauth:");
  expect(url.searchParams.get("issuer")).toBe("Claimlink");
  expect(decodeURIComponent(url.pathname)).toContain(email);
  const secret = url.searchParams.get("secret")!;
  await expect(page.getByTestId("totp-secret")).toHaveText(secret);
  const used = new Set<string>();
  await page.getByLabel("Code from the app").fill(await freshCode(secret, used));
  await page.getByRole("button", { name: "Switch on" }).click();
  await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10); // shown once switched on
  const codes = (await page.getByTestId("recovery-codes").locator("li").allTextContents()).map((c) => c.trim());

  await signOut(page);
  await passwordStep(page, email, password);
  const codeInput = page.getByLabel("Code from your authenticator app");
  await expect(codeInput).toHaveAttribute("inputmode", "numeric");
  await expect(codeInput).toHaveAttribute("autocomplete", "one-time-code");
  await codeInput.fill("000000");
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("form-error")).toContainText("That code is not right");
  await codeInput.fill(await freshCode(secret, used));
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/devices$/);

  // A recovery code instead of a code: once.
  await signOut(page);
  await passwordStep(page, email, password);
  await page.getByLabel("Code from your authenticator app").fill(codes[0]);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/devices$/);
  await signOut(page);
  await passwordStep(page, email, password);
  await page.getByLabel("Code from your authenticator app").fill(codes[0]);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page.getByTestId("form-error")).toContainText("That code is not right");
  await page.getByLabel("Code from your authenticator app").fill(codes[1]);
  await page.getByRole("button", { name: "Continue" }).click();
  await expect(page).toHaveURL(/\/devices$/);

  // Staff reset the account's two-factor: its session ends, and the password alone signs in.
  const staffCtx = await browser.newContext();
  const staff = await staffCtx.newPage();
  await signIn(staff, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await staff.getByLabel("Search by email or name").fill(email);
  await staff.getByRole("button", { name: "Search", exact: true }).click();
  const row = staff.locator(`tr[data-email="${email}"]`);
  await rowAction(row, `Actions for ${email}`, "Reset two-factor", "Reset two-factor");
  await expect(staff.getByTestId("toast")).toContainText(`Two-factor sign-in of ${email} reset; ended 1 session.`);
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in/);
  await signIn(page, email, password);
  await row.getByRole("link", { name: "Audit trail" }).click();
  const audit = staff.getByTestId("audit");
  for (const action of ["two_factor.reset", "two_factor.recovery_code_used", "two_factor.enabled"]) {
    await expect(audit.getByText(action, { exact: true }).first()).toBeVisible();
  }
  await Promise.all([ctx.close(), staffCtx.close()]);
});

test("password change on /account ends the other sessions; the display name can change", async ({ browser }) => {
  const { email, password } = createAccountWithCli(uniqueEmail("pwchange"), "participant");
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, email, password);
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, email, password);
  await page.goto("/account");
  await page.getByLabel("Display name").fill("Newly Named");
  await page.getByRole("button", { name: "Save name" }).click();
  await expect(page.getByRole("link", { name: "Newly Named" })).toBeVisible();
  await page.getByLabel("Current password").fill("not my password");
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("Repeat the new password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-note")).toContainText("current password is not right");
  // The form is cleared after each submission.
  await page.getByLabel("Current password").fill(password);
  await page.getByLabel("New password", { exact: true }).fill("a brand new password");
  await page.getByLabel("Repeat the new password").fill("a brand new password");
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page.getByTestId("password-note")).toContainText("1 other session ended");
  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/sign-in/);
  await signIn(otherPage, email, "a brand new password");
  await Promise.all([ctx.close(), other.close()]);
});

test("with staff two-factor required (a second app process), staff reach nothing but /account/security until they switch it on; participants are not asked", async ({
  browser,
}) => {
  test.setTimeout(180_000);
  const port = Number(process.env.E2E_PORT ?? 3100) + 2;
  const app = await startApp(port, { CLAIMLINK_STAFF_2FA: "required" });
  try {
    const staff = createAccountWithCli(uniqueEmail("staff2fa"), "staff", "staff two fa 123", String(port));
    const participant = createAccountWithCli(uniqueEmail("plain"), "participant", "participant pw 123", String(port));
    const ctx = await browser.newContext();
    const page = await ctx.newPage();
    const passwordAt = async (email: string, password: string) => {
      await page.goto(`${app.base}/sign-in`);
      await page.getByLabel("Email").fill(email);
      await page.getByLabel("Password").fill(password);
      await page.getByRole("button", { name: "Sign in" }).click();
    };

    await passwordAt(staff.email, staff.password);
    await expect(page).toHaveURL(/\/account\/security$/);
    await expect(page.getByTestId("must-enrol")).toBeVisible();
    // Every other page leads back here, and the staff API refuses with two_factor_required.
    for (const path of ["/staff/accounts", "/staff/audit", "/devices", "/claim"]) {
      await page.goto(`${app.base}${path}`);
      await expect(page).toHaveURL(/\/account\/security$/);
    }
    const refused = await page.request.get(`${app.base}/api/v1/staff/accounts`);
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toMatchObject({ code: "two_factor_required" });
    const invite = await page.request.post(`${app.base}/api/v1/staff/invitations`, {
      data: { email: uniqueEmail("nope"), name: "Nope" },
      headers: { origin: app.base },
    });
    expect(invite.status()).toBe(403);

    // Switched on, the same session reaches the staff pages and API.
    await page.goto(`${app.base}/account/security`);
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const secret = new URL(await readQr(page)).searchParams.get("secret")!;
    const used = new Set<string>();
    await page.getByLabel("Code from the app").fill(await freshCode(secret, used));
    await page.getByRole("button", { name: "Switch on" }).click();
    await expect(page.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
    await page.goto(`${app.base}/staff/accounts`);
    await expect(page).toHaveURL(/\/staff\/accounts$/);
    expect((await page.request.get(`${app.base}/api/v1/staff/accounts`)).status()).toBe(200);

    // A participant signs in with the password alone, straight to their devices.
    await ctx.clearCookies();
    await passwordAt(participant.email, participant.password);
    await expect(page).toHaveURL(/\/devices$/);
    await ctx.close();
  } finally {
    await app.stop();
  }
});
