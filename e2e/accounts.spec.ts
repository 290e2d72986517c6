import { expect, test } from "@playwright/test";
import { signedInApi } from "./api";
import { createAccountWithCli, rowAction, signIn, STAFF, uniqueEmail } from "./helpers";

test("staff invites a participant, who accepts, signs in, and is signed out on the next navigation once disabled", async ({
  browser,
}) => {
  const staffCtx = await browser.newContext();
  const staff = await staffCtx.newPage();
  await signIn(staff, STAFF.email, STAFF.password, /\/staff\/accounts$/);

  const email = uniqueEmail("invitee");
  await staff.getByLabel("Email", { exact: true }).fill(email);
  await staff.getByLabel("Name", { exact: true }).fill("Ina Invitee");
  await staff.getByRole("button", { name: "Create invitation" }).click();
  const link = (await staff.getByTestId("invite-url").textContent())!.trim();
  expect(link).toMatch(/^http:\/\/localhost:\d+\/invite#[A-Za-z0-9_-]{43}$/);
  await expect(staff.getByTestId("invitations")).toContainText(email);

  const userCtx = await browser.newContext();
  const user = await userCtx.newPage();
  const requests: string[] = [];
  user.on("request", (r) => requests.push(r.url()));
  await user.goto(link);
  await expect(user.getByText(`Choose a password for ${email}`)).toBeVisible();
  expect(user.url()).not.toContain("#"); // the token is taken out of the address bar
  await user.getByLabel("Password", { exact: true }).fill("my own password 1");
  await user.getByLabel("Repeat the password").fill("my own password 1");
  await user.getByRole("button", { name: "Create my account" }).click();
  await expect(user).toHaveURL(/\/devices$/);
  await expect(user.getByRole("heading", { name: "Your devices" })).toBeVisible();
  await expect(user.getByTestId("empty-devices")).toContainText("No devices yet");
  await expect(user.getByRole("link", { name: "Ina Invitee" })).toBeVisible();
  const token = link.split("#")[1];
  expect(requests.filter((u) => u.includes(token))).toEqual([]); // never in a URL the server sees

  await staff.goto("/staff/accounts");
  const row = staff.locator(`tr[data-email="${email}"]`);
  await rowAction(row, `Actions for ${email}`, "Disable", "Disable");
  await expect(row.getByText("disabled", { exact: true })).toBeVisible();

  // The participant's page is still open; its next navigation finds the session ended.
  await user.getByRole("link", { name: "Ina Invitee" }).click();
  await expect(user).toHaveURL(/\/sign-in/);
  await user.getByLabel("Email").fill(email);
  await user.getByLabel("Password").fill("my own password 1");
  await user.getByRole("button", { name: "Sign in" }).click();
  await expect(user.getByTestId("form-error")).toHaveText("That email and password do not match an active account.");

  // Re-enabled, the person signs in again; the invitation link stays used up.
  await rowAction(row, `Actions for ${email}`, "Enable");
  await expect(row.getByText("active", { exact: true })).toBeVisible();
  await signIn(user, email, "my own password 1", /\/devices$/);
  const again = await browser.newContext();
  const againPage = await again.newPage();
  await againPage.goto(link);
  await expect(againPage.getByTestId("invite-error")).toContainText("not valid");
  await Promise.all([staffCtx.close(), userCtx.close(), again.close()]);
});

test("a wrong password and an unknown email get the same message", async ({ page }) => {
  for (const email of [STAFF.email, uniqueEmail("nobody")]) {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill("not the password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByTestId("form-error")).toHaveText("That email and password do not match an active account.");
    await expect(page).toHaveURL(/\/sign-in/);
  }
});

test("a participant gets 404 on staff pages and 403 problem+json on staff APIs", async ({ page }) => {
  const p = createAccountWithCli(uniqueEmail("participant"), "participant");
  await signIn(page, p.email, p.password, /\/devices$/);
  await expect(page.getByRole("link", { name: "Accounts" })).toHaveCount(0);
  for (const path of ["/staff/accounts", "/staff/audit", "/staff/devices"]) {
    const res = await page.goto(path);
    expect(res?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  }
  const api = await page.request.get("/api/v1/staff/accounts");
  expect(api.status()).toBe(403);
  expect(api.headers()["content-type"]).toContain("application/problem+json");
  expect((await api.json()).code).toBe("forbidden");
  const post = await page.request.post("/api/v1/staff/invitations", {
    data: { email: uniqueEmail("x"), name: "X" },
    headers: { origin: new URL(page.url()).origin },
  });
  expect(post.status()).toBe(403);

  // Each refusal is in the audit log, under the participant's account.
  const me = (await (await page.request.get("/api/auth/session")).json()).user;
  const staff = await signedInApi(STAFF.email, STAFF.password);
  const { events } = await (await staff.get(`/api/v1/staff/audit?account=${me.id}`)).json();
  const refused = events
    .filter((e: { action: string }) => e.action === "access.refused")
    .map((e: { detail: { path: string } }) => e.detail.path);
  expect(refused).toEqual(
    expect.arrayContaining([
      "/staff/accounts",
      "/staff/audit",
      "/staff/devices",
      "/api/v1/staff/accounts",
      "/api/v1/staff/invitations",
    ]),
  );
});

test("signed out, APIs answer 401 problem+json and pages send you to sign in, then back", async ({ page }) => {
  const res = await page.request.get("/api/v1/me/sessions");
  expect(res.status()).toBe(401);
  expect((await res.json()).code).toBe("unauthenticated");
  await page.goto("/staff/audit");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fstaff%2Faudit$/);
  await page.getByLabel("Email").fill(STAFF.email);
  await page.getByLabel("Password").fill(STAFF.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/staff\/audit$/);
});

test("a user sees where they are signed in, ends another session, then signs out everywhere", async ({ browser }) => {
  const p = createAccountWithCli(uniqueEmail("multi"), "participant");
  const [a, b] = await Promise.all([browser.newContext(), browser.newContext()]);
  const pageA = await a.newPage();
  const pageB = await b.newPage();
  await signIn(pageA, p.email, p.password, /\/devices$/);
  await signIn(pageB, p.email, p.password, /\/devices$/);

  await pageA.goto("/account");
  const list = pageA.getByTestId("session-list");
  await expect(list.locator("li")).toHaveCount(2);
  await expect(list).toContainText("Chrome on Linux");
  await expect(list).toContainText("127.0.0.1");
  await expect(list.getByText("this browser")).toHaveCount(1);
  await list.getByRole("button", { name: "End session" }).click();
  await expect(list.locator("li")).toHaveCount(1);

  await pageB.reload();
  await expect(pageB).toHaveURL(/\/sign-in/);

  await signIn(pageB, p.email, p.password, /\/devices$/);
  await pageA.getByRole("button", { name: "Sign out everywhere" }).click();
  // Asked first, in a dialog (Escape or Cancel keeps every session).
  await pageA.getByTestId("confirm-dialog").getByRole("button", { name: "Sign out everywhere" }).click();
  await expect(pageA).toHaveURL(/\/sign-in/);
  await pageB.reload();
  await expect(pageB).toHaveURL(/\/sign-in/);
  await Promise.all([a.close(), b.close()]);
});

test("staff changes a role, signs an account out everywhere, and reads its audit trail", async ({ browser }) => {
  const p = createAccountWithCli(uniqueEmail("promoted"), "participant");
  const userCtx = await browser.newContext();
  const user = await userCtx.newPage();
  await signIn(user, p.email, p.password, /\/devices$/);

  const staffCtx = await browser.newContext();
  const staff = await staffCtx.newPage();
  await signIn(staff, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await staff.getByLabel("Search by email or name").fill(p.email);
  await staff.getByRole("button", { name: "Search", exact: true }).click();
  const row = staff.locator(`tr[data-email="${p.email}"]`);
  await expect(staff.locator("tr[data-email]")).toHaveCount(1);
  await rowAction(row, `Actions for ${p.email}`, "Make staff", "Make staff");
  await expect(row.getByText("staff", { exact: true })).toBeVisible();

  await user.reload();
  await expect(user.getByRole("link", { name: "Console" })).toBeVisible(); // the role applies at once

  await rowAction(row, `Actions for ${p.email}`, "Sign out everywhere", "Sign out everywhere");
  await expect(staff.getByTestId("toast").filter({ hasText: "Ended 1 session" })).toContainText(
    `Ended 1 session of ${p.email}.`,
  );
  await user.reload();
  await expect(user).toHaveURL(/\/sign-in/);

  await row.getByRole("link", { name: "Audit trail" }).click();
  const audit = staff.getByTestId("audit");
  for (const action of ["sessions.revoked_all", "account.role_changed", "signin", "account.created"]) {
    await expect(audit.getByText(action, { exact: true }).first()).toBeVisible();
  }
  await Promise.all([staffCtx.close(), userCtx.close()]);
});

test("health, the 404 page, and problem+json for bad input", async ({ page, request }) => {
  const health = await request.get("/api/health");
  expect(health.status()).toBe(200);
  expect(await health.json()).toEqual({ status: "ok", database: process.env.DATABASE_URL ? "postgres" : "pglite" });

  const missing = await page.goto("/no/such/page");
  expect(missing?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();

  const notJson = await request.post("/api/v1/invitations/lookup", {
    headers: { "content-type": "application/json" },
    data: Buffer.from("{oops"),
  });
  expect(notJson.status()).toBe(400);
  expect((await notJson.json()).code).toBe("invalid_request");
  const wrongType = await request.post("/api/v1/invitations/accept", {
    headers: { "content-type": "text/plain" },
    data: "x",
  });
  expect(wrongType.status()).toBe(415);
  const huge = await request.post("/api/v1/invitations/accept", {
    headers: { "content-type": "application/json" },
    data: JSON.stringify({ token: "x".repeat(70_000) }),
  });
  expect(huge.status()).toBe(413);
  expect(huge.headers()["content-type"]).toContain("application/problem+json");
});
