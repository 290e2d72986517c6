import { expect, request as pwRequest, test, type APIRequestContext } from "@playwright/test";
import { BASE, claimDevice, signedInApi, staffApi } from "./api";
import { createAccountWithCli, signIn, STAFF, uniqueEmail } from "./helpers";

// API tokens as people use them (docs/integrations.md): made on /account/tokens and shown once,
// used by a program with no cookie, listed with their last use, revoked by their holder or by
// staff, tried from /docs/api; and the refusals a program or an attacker meets.

async function bearer(token: string): Promise<APIRequestContext> {
  return pwRequest.newContext({ baseURL: BASE, extraHTTPHeaders: { authorization: `Bearer ${token}` } });
}

test("a participant makes a token, a program reads their devices with it, and revoking it refuses the next request", async ({
  page,
}) => {
  const { email, password } = createAccountWithCli(uniqueEmail("token-owner"), "participant");
  const api = await signedInApi(email, password);
  const claimed = await claimDevice(api, {}, { model: "token-model" });
  await signIn(page, email, password);

  await page.goto("/account");
  await page.getByRole("link", { name: "Manage API tokens" }).click();
  await expect(page).toHaveURL(/\/account\/tokens$/);
  await expect(page.getByText("No tokens yet")).toBeVisible();
  // Only the scope a participant may hold is offered.
  await expect(page.getByLabel("The fleet")).toHaveCount(0);
  await page.getByLabel("Name").fill("Home dashboard");
  await page.getByLabel("Your devices").check();
  await page.getByLabel("Expires after").selectOption("30");
  await page.getByRole("button", { name: "Make token" }).click();
  const shown = page.getByTestId("new-token-value");
  await expect(shown).toHaveText(/^clk_[A-Z2-7]{52}$/);
  const token = (await shown.textContent())!;

  const program = await bearer(token);
  const mine = await program.get("/api/v1/devices");
  expect(mine.status()).toBe(200);
  expect((await mine.json()).owned.map((d: { id: string }) => d.id)).toContain(claimed.deviceId);
  const one = await program.get(`/api/v1/devices/${claimed.deviceId}`);
  expect(one.status()).toBe(200);
  expect(await one.json()).toMatchObject({ id: claimed.deviceId, model: "token-model", role: "owner" });
  const csv = await program.get(`/api/v1/devices/${claimed.deviceId}/export`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toContain("text/csv");
  // It reads; it does not act, nor stand in for the person's session anywhere else.
  const rename = await program.patch(`/api/v1/devices/${claimed.deviceId}`, { data: { name: "Stolen" } });
  expect(rename.status()).toBe(401);
  expect((await rename.json()).code).toBe("token_not_accepted");
  expect((await program.get("/api/v1/me/sessions")).status()).toBe(401);
  expect((await program.get("/devices")).url()).toContain("/sign-in");

  // Shown once: gone from the page after "copied" and after a reload; listed with its last use.
  await page.getByRole("button", { name: "I have copied it" }).click();
  await expect(page.getByTestId("new-token")).toHaveCount(0);
  await page.reload();
  expect(await page.content()).not.toContain(token);
  const row = page.getByTestId("token-list").locator("li").filter({ hasText: "Home dashboard" });
  await expect(row).toContainText(token.slice(0, 8));
  await expect(row).toContainText("last used");
  await expect(row).toContainText("Your devices");

  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByTestId("token-list").locator("li").filter({ hasText: "Home dashboard" })).toContainText(
    "revoked",
  );
  const after = await program.get("/api/v1/devices");
  expect(after.status()).toBe(401);
  expect(after.headers()["content-type"]).toBe("application/problem+json");
  expect((await after.json()).code).toBe("invalid_token");
  await program.dispose();
  await api.dispose();
});

test("refusals: bad input changes nothing, a participant cannot take a staff scope, a guessed token is refused", async () => {
  const { email, password } = createAccountWithCli(uniqueEmail("token-refusals"), "participant");
  const api = await signedInApi(email, password);
  const count = async () => (await (await api.get("/api/v1/me/tokens")).json()).tokens.length;
  for (const data of [
    { name: "x", scopes: ["devices:read"], expiresInDays: 400 },
    { name: "", scopes: ["devices:read"] },
    { name: "x", scopes: ["devices:write"] },
    { name: "x", scopes: ["devices:read"], userId: "usr_AAAAAAAAAAAAAAAA" },
  ]) {
    const r = await api.post("/api/v1/me/tokens", { data });
    expect(r.status(), JSON.stringify(data)).toBe(400);
    expect((await r.json()).code).toBe("invalid_request");
  }
  const staffScope = await api.post("/api/v1/me/tokens", { data: { name: "x", scopes: ["fleet:read"] } });
  expect(staffScope.status()).toBe(403);
  expect((await staffScope.json()).code).toBe("forbidden");
  expect(await count()).toBe(0);
  // A made-up token, a token in the query string, and a cookie-less request: all refused.
  const guess = await bearer(`clk_${"B".repeat(52)}`);
  expect((await guess.get("/api/v1/staff/devices")).status()).toBe(401);
  await guess.dispose();
  const anon = await pwRequest.newContext({ baseURL: BASE });
  expect((await anon.get(`/api/v1/devices?access_token=clk_${"B".repeat(52)}`)).status()).toBe(401);
  await anon.dispose();
  await api.dispose();
});

test("staff read the fleet with a token, see every token with its holder, and revoke one; support only reads", async ({
  page,
}) => {
  const staff = await staffApi();
  const made = await staff.post("/api/v1/me/tokens", {
    data: { name: "Ops dashboard", scopes: ["fleet:read", "audit:read"], expiresInDays: 7 },
  });
  expect(made.status()).toBe(201);
  const { token, view } = await made.json();
  const program = await bearer(token);
  expect((await program.get("/api/v1/staff/devices?limit=5")).status()).toBe(200);
  expect((await program.get("/api/v1/staff/audit?limit=5")).status()).toBe(200);
  // A staff-scope read is audited, by the token's prefix.
  const log = await (await staff.get("/api/v1/staff/audit?action=token.used&limit=50")).json();
  expect(log.events.some((e: { detail: { tokenId: string } }) => e.detail.tokenId === view.id)).toBe(true);

  const s = createAccountWithCli(uniqueEmail("token-support"), "support");
  await signIn(page, s.email, s.password, /\/staff\//);
  await page.goto("/staff/tokens");
  const supportRow = page.getByTestId("staff-tokens").locator(`[data-token="${view.id}"]`);
  await expect(supportRow).toContainText("Ops dashboard");
  await expect(supportRow.getByRole("button", { name: "Revoke" })).toHaveCount(0);

  await page.context().clearCookies();
  await signIn(page, STAFF.email, STAFF.password, /\/staff\//);
  await page.goto("/staff/tokens");
  const row = page.getByTestId("staff-tokens").locator(`[data-token="${view.id}"]`);
  await expect(row).toContainText(STAFF.email);
  await expect(row).toContainText("fleet:read, audit:read");
  await row.getByRole("button", { name: "Revoke" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke token" }).click();
  await expect(page.getByTestId("staff-tokens").locator(`[data-token="${view.id}"]`)).toContainText("revoked");
  expect((await program.get("/api/v1/staff/devices?limit=5")).status()).toBe(401);
  await program.dispose();
  await staff.dispose();
});

test("the API reference tries a read with a token, sending no cookie", async ({ page }) => {
  const { email, password } = createAccountWithCli(uniqueEmail("token-docs"), "participant");
  const api = await signedInApi(email, password);
  const { token } = await (
    await api.post("/api/v1/me/tokens", { data: { name: "Docs", scopes: ["devices:read"] } })
  ).json();
  await signIn(page, email, password);
  await page.goto("/docs/api");
  await page.getByLabel("Route").selectOption({ label: "GET /api/v1/devices (devices:read)" });
  // Without the token, the signed-in page's own cookie does not get through.
  await page.getByLabel("API token", { exact: true }).fill(`clk_${"C".repeat(52)}`);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("try-status")).toHaveText("401");
  await expect(page.getByTestId("try-body")).toContainText("invalid_token");
  await page.getByLabel("API token", { exact: true }).fill(token);
  await page.getByRole("button", { name: "Send" }).click();
  await expect(page.getByTestId("try-status")).toHaveText("200");
  await expect(page.getByTestId("try-body")).toContainText('"owned"');
  expect(page.url()).not.toContain("clk_");
  await api.dispose();
});

test("a study token reads that study's dashboard and export, pseudonymously, and no other study", async () => {
  const staff = await staffApi();
  const newStudy = async (name: string) => {
    const r = await staff.post("/api/v1/staff/studies", {
      data: {
        name: { en: name },
        description: { en: `The ${name} study.` },
        contactEmail: "study-desk@e2e.example.org",
        startsOn: "2026-01-01",
        endsOn: "2027-12-31",
        dataPolicy: "retain",
      },
    });
    expect(r.status(), await r.text()).toBe(201);
    return (await r.json()).id as string;
  };
  const study = await newStudy(`Token study ${Date.now()}`);
  const other = await newStudy(`Other study ${Date.now()}`);
  const made = await staff.post("/api/v1/me/tokens", {
    data: { name: "Nightly export", scopes: [`study:${study}:read`], expiresInDays: 1 },
  });
  expect(made.status()).toBe(201);
  const program = await bearer((await made.json()).token);
  const dashboard = await program.get(`/api/v1/research/studies/${study}/dashboard`);
  expect(dashboard.status()).toBe(200);
  expect(await dashboard.text()).not.toMatch(/@|usr_/);
  const zip = await program.get(`/api/v1/research/studies/${study}/export`);
  expect(zip.status()).toBe(200);
  expect(zip.headers()["content-type"]).toBe("application/zip");
  expect((await zip.body()).subarray(0, 2).toString()).toBe("PK");
  const refused = await program.get(`/api/v1/research/studies/${other}/export`);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).code).toBe("insufficient_scope");
  expect((await program.get("/api/v1/staff/devices")).status()).toBe(403);
  await program.dispose();
  await staff.dispose();
});
