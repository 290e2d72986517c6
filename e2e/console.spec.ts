import { expect, test } from "@playwright/test";
import { claimDevice, newParticipant, signedInApi, staffApi } from "./api";
import { createAccountWithCli, signIn, STAFF, uniqueEmail } from "./helpers";

// The staff fleet console as staff and support use it: filters and summary, the device page
// with its actions and transfer, bulk actions on a selection, CSV exports, bulk invitations,
// and a support account that sees everything and changes nothing.

const tag = () => `cons${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`;

test("staff filter by model, send a bulk command to exactly that selection after confirming its count", async ({
  page,
}) => {
  const model = `${tag()}-bulk`;
  // (The e2e server allows 3 devices per account.)
  const [a, b] = [await newParticipant("bulk-a"), await newParticipant("bulk-b")];
  const selected = await Promise.all([a, a, b].map((o) => claimDevice(o.api, {}, { model })));
  const outside = await claimDevice(b.api, {}, { model: `${model}-other` });

  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.getByRole("link", { name: "Fleet", exact: true }).click();
  await page.getByText("Filters and sort").click();
  await page.getByLabel("Model (exact)").fill(model);
  await page.getByLabel("Status").selectOption("online");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`[?&]model=${model}(&|$)`));
  await expect(page.locator("tr[data-device-id]")).toHaveCount(3);
  await expect(page.getByTestId("fleet-count")).toContainText("3 devices: 3 online");
  await expect(page.getByTestId("by-model")).toContainText(model);

  const bulk = page.getByTestId("bulk-actions");
  await bulk.getByLabel("Action").selectOption("reboot");
  await bulk.getByRole("button", { name: "Review" }).click();
  await expect(bulk.getByTestId("bulk-confirmation")).toHaveText("Send reboot on 3 devices?");
  await bulk.getByRole("button", { name: "Yes, send reboot on 3 devices" }).click();
  await expect(bulk.getByRole("status")).toHaveText("Done: send reboot reached 3 devices.");

  for (const d of selected) {
    const me = await d.device.signed("GET", "/api/v1/devices/me");
    expect((me.body as { commands: { type: string }[] }).commands.map((c) => c.type)).toEqual(["reboot"]);
  }
  const untouched = await outside.device.signed("GET", "/api/v1/devices/me");
  expect((untouched.body as { commands: unknown[] }).commands).toEqual([]);

  const staff = await staffApi();
  const log = await (await staff.get("/api/v1/staff/audit?action=device.bulk_command&limit=20")).json();
  const event = log.events.find((e: { detail: { filter: { model?: string } } }) => e.detail.filter.model === model);
  expect(event.detail.count).toBe(3);
  expect([...event.detail.deviceIds].sort()).toEqual(selected.map((d) => d.deviceId).sort());

  // The selection changed after the count was shown: refused, nothing sent.
  const stale = await staff.post("/api/v1/staff/devices/bulk", {
    data: { filter: { model }, action: { kind: "revoke" }, expectedCount: 2 },
  });
  expect(stale.status()).toBe(409);
  expect((await stale.json()).code).toBe("conflict");
  const still = await selected[0].device.signed("GET", "/api/v1/devices/me");
  expect(still.status).toBe(200);
  await staff.dispose();
});

test("the staff device page shows commands and credentials, sets the interval, and transfers with a reason", async ({
  page,
}) => {
  const from = await newParticipant("from");
  const to = await newParticipant("to");
  const { device, deviceId } = await claimDevice(from.api, {}, { model: `${tag()}-page` });

  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.goto(`/staff/devices?q=${deviceId}`);
  await page.locator(`tr[data-device-id="${deviceId}"]`).getByRole("link").first().click();
  await expect(page).toHaveURL(new RegExp(`/staff/devices/${deviceId}$`));
  await expect(page.getByTestId("device-owner")).toContainText(from.email);
  await page.getByRole("tab", { name: "Credentials" }).click();
  await expect(page.getByTestId("device-credentials")).toContainText("live");
  await expect(page.getByTestId("chart")).toContainText("No measurements in this period."); // staff's series route

  await page.getByLabel("Measurement interval (seconds)").fill("5");
  await page.getByRole("button", { name: "Set configuration" }).click();
  // The browser's own bounds stop it; the API refuses it too.
  const staff = await staffApi();
  const tooShort = await staff.post(`/api/v1/staff/devices/${deviceId}/commands`, {
    data: { type: "set_config", params: { measurementIntervalSeconds: 5 } },
  });
  expect(tooShort.status()).toBe(400);
  await page.getByLabel("Measurement interval (seconds)").fill("120");
  await page.getByRole("button", { name: "Set configuration" }).click();
  await expect(page.getByTestId("action-message")).toContainText("Measurement interval set to 120 s");
  await expect(page.getByTestId("device-interval")).toHaveText("120 s");
  // The interval field starts at the device's own interval, as the facts above say.
  await page.getByRole("tab", { name: "Commands" }).click();
  await expect(page.getByTestId("device-commands")).toContainText("set_config");
  await expect(page.getByTestId("device-commands")).toContainText("queued");
  const me = await device.signed("GET", "/api/v1/devices/me");
  expect(me.body).toMatchObject({ config: { measurementIntervalSeconds: 120 } });

  // Transfer: refused without a reason, to an unknown account, then done.
  const noReason = await staff.post(`/api/v1/staff/devices/${deviceId}/transfer`, {
    data: { email: to.email, reason: "" },
  });
  expect(noReason.status()).toBe(400);
  const unknown = await staff.post(`/api/v1/staff/devices/${deviceId}/transfer`, {
    data: { email: "nobody-here@e2e.example.org", reason: "typo" },
  });
  expect(unknown.status()).toBe(404);
  await page.getByLabel("New owner's email").fill(to.email);
  await page.getByLabel("Reason (kept in the audit log)").fill("Household moved, ticket 42");
  await page.getByRole("button", { name: "Transfer" }).click();
  await expect(page.getByTestId("action-message")).toContainText(`now belongs to ${to.email}`);
  await expect(page.getByTestId("device-owner")).toContainText(to.email);

  expect((await from.api.get(`/api/v1/devices/${deviceId}/series?range=24h`)).status()).toBe(404);
  expect((await to.api.get(`/api/v1/devices/${deviceId}/series?range=24h`)).status()).toBe(200);
  expect((await device.signed("GET", "/api/v1/devices/me")).status).toBe(200); // the device keeps working
  const log = await (await staff.get(`/api/v1/staff/audit?device=${deviceId}&action=device.transferred`)).json();
  expect(log.events).toHaveLength(1);
  expect(log.events[0].detail).toMatchObject({ fromEmail: from.email, reason: "Household moved, ticket 42" });
  await page.getByRole("tab", { name: "Audit trail" }).click();
  await expect(page.getByTestId("device-audit")).toContainText("Transferred to another account by staff");
  await staff.dispose();
});

test("fleet and audit CSV exports are filtered, formula-safe and in UTC", async () => {
  const owner = await newParticipant("csv");
  const model = `${tag()}-csv`;
  const { deviceId } = await claimDevice(owner.api, {}, { model });
  const renamed = await owner.api.patch(`/api/v1/devices/${deviceId}`, { data: { name: '=HYPERLINK("x")' } });
  expect(renamed.status()).toBe(200);
  const staff = await staffApi();

  const fleet = await staff.get(`/api/v1/staff/devices/export?model=${model}`);
  expect(fleet.status()).toBe(200);
  expect(fleet.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  expect(fleet.headers()["content-disposition"]).toMatch(/^attachment; filename="fleet-\d{4}-\d{2}-\d{2}\.csv"$/);
  // Every CSV download starts with a byte-order mark, so spreadsheets read it as UTF-8.
  const fleetText = await fleet.text();
  expect(fleetText.startsWith("\uFEFF")).toBe(true);
  const lines = fleetText.slice(1).trimEnd().split("\r\n");
  expect(lines[0]).toMatch(/^id,name,model,firmware,owner_id,owner_email,status,last_seen_at,created_at/);
  expect(lines).toHaveLength(2);
  expect(lines[1]).toContain(`${deviceId},"'=HYPERLINK(""x"")",${model}`);
  expect(lines[1]).toMatch(/,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,/);

  const audit = await staff.get(`/api/v1/staff/audit/export?device=${deviceId}`);
  expect(audit.status()).toBe(200);
  const rows = (await audit.text())
    .replace(/^\uFEFF/, "")
    .trimEnd()
    .split("\r\n");
  expect(rows[0]).toBe("id,at,actor_id,actor,action,outcome,subject_user_id,subject,subject_device_id,ip,detail");
  expect(rows.some((r) => r.includes("device.renamed") && r.includes(deviceId))).toBe(true);
  expect(rows.every((r, i) => i === 0 || r.includes(deviceId))).toBe(true);

  const bad = await staff.get("/api/v1/staff/devices/export?seenBefore=yesterday");
  expect(bad.status()).toBe(400);
  expect(bad.headers()["content-type"]).toBe("application/problem+json");
  await staff.dispose();
});

test("the fleet pages with a cursor, in the API and on the page, and refuses a forged cursor", async ({ page }) => {
  const owner = await newParticipant("pages");
  const model = `${tag()}-pages`;
  const ids = (await Promise.all([1, 2, 3].map(() => claimDevice(owner.api, {}, { model })))).map((d) => d.deviceId);
  const staff = await staffApi();
  const seen: string[] = [];
  let cursor = "";
  for (let i = 0; i < 5; i++) {
    const r = await (
      await staff.get(`/api/v1/staff/devices?model=${model}&sort=name&limit=2${cursor ? `&cursor=${cursor}` : ""}`)
    ).json();
    seen.push(...r.devices.map((d: { id: string }) => d.id));
    if (!r.nextCursor) break;
    cursor = r.nextCursor;
  }
  expect(seen.sort()).toEqual(ids.sort());

  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.goto(`/staff/devices?model=${model}&sort=name&limit=2`);
  const onPage = async () =>
    page.locator("tr[data-device-id]").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-device-id")));
  await expect(page.locator("tr[data-device-id]")).toHaveCount(2);
  const first = await onPage();
  await page.getByRole("link", { name: "Next page" }).click();
  await expect(page.locator("tr[data-device-id]")).toHaveCount(1);
  await expect(page.getByRole("link", { name: "Next page" })).toHaveCount(0);
  expect([...first, ...(await onPage())].sort()).toEqual(ids.sort());
  await page.getByRole("link", { name: "First page" }).click();
  await expect(page.locator("tr[data-device-id]")).toHaveCount(2);
  const forged = await staff.get(`/api/v1/staff/devices?cursor=${Buffer.from('["x","y"]').toString("base64url")}`);
  expect(forged.status()).toBe(400);
  expect((await forged.json()).code).toBe("invalid_request");
  await staff.dispose();
});

test("staff invite many from a CSV: each line is reported, links are shown once", async ({ page }) => {
  const a = uniqueEmail("bulk-a");
  const b = uniqueEmail("bulk-b");
  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  await page.getByRole("link", { name: "Invite many from a CSV file" }).click();
  await expect(page).toHaveURL(/\/staff\/accounts\/bulk-invite$/);
  await page
    .getByLabel("Or paste the lines")
    .fill(`email,name,role\n${a},Bulk A,support\nnot-an-email,Nobody\n${b},Bulk B\n${a},Twice`);
  await page.getByRole("button", { name: "Create invitations" }).click();
  const report = page.getByTestId("bulk-report");
  await expect(report.getByRole("heading")).toHaveText("2 invited, 2 rejected");
  await expect(report.getByTestId("rejected")).toContainText("not a valid email address");
  await expect(report.getByTestId("rejected")).toContainText("Same email as line 2.");
  await expect(report.getByTestId("invited")).toContainText(`${a} (support)`);
  await expect(report.getByTestId("invite-url")).toHaveCount(2);
  await page.reload();
  await expect(page.getByTestId("bulk-report")).toHaveCount(0); // shown once
});

test("a support account sees the console and changes nothing; write-only pages are 404", async ({ page }) => {
  const owner = await newParticipant("sup-owner");
  const { deviceId } = await claimDevice(owner.api, {}, { model: `${tag()}-sup` });
  const support = createAccountWithCli(uniqueEmail("support"), "support");
  await signIn(page, support.email, support.password, /\/staff\/accounts$/);
  await expect(page.getByTestId("read-only")).toBeVisible();
  await expect(page.getByRole("button", { name: "Create invitation" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /^Actions for / })).toHaveCount(0);

  // On a 390 px phone, the pages fit the width (wide tables scroll inside their own box).
  await page.setViewportSize({ width: 390, height: 844 });
  const fitsPhone = async () =>
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
  await page.getByRole("button", { name: "Console menu" }).click(); // at phone width the navigation is in a drawer
  await page.getByRole("link", { name: "Fleet", exact: true }).click();
  await expect(page).toHaveURL(/\/staff\/devices$/);
  await page.goto(`/staff/devices?q=${deviceId}`);
  await expect(page.locator(`tr[data-device-id="${deviceId}"]`)).toBeVisible();
  await expect(page.getByTestId("bulk-actions")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Identify" })).toHaveCount(0);
  await fitsPhone();
  await page.goto(`/staff/devices/${deviceId}`);
  await expect(page.getByTestId("device-owner")).toContainText(owner.email);
  await expect(page.getByTestId("staff-device-actions")).toHaveCount(0);
  await fitsPhone();
  await page.goto("/staff/audit");
  await expect(page.getByTestId("audit")).toBeVisible();
  await fitsPhone();
  await page.goto("/staff/models");
  await expect(page.getByRole("heading", { name: "Device models" })).toBeVisible();
  await expect(page.getByTestId("model-policy")).toBeVisible(); // the policy, as text
  await expect(page.getByRole("heading", { name: "Add or replace a model" })).toHaveCount(0);
  await expect(page.locator("main form, main button")).toHaveCount(0);
  await page.goto("/staff/legacy");
  await expect(page.getByTestId("legacy-acceptance")).toBeVisible();
  await expect(page.getByRole("heading", { name: "Register a node" })).toHaveCount(0);
  await expect(page.locator("main form, main button")).toHaveCount(0);

  const res = await page.goto("/staff/accounts/bulk-invite");
  expect(res?.status()).toBe(404);

  const api = await signedInApi(support.email, support.password);
  const revoke = await api.post(`/api/v1/staff/devices/${deviceId}/revoke`);
  expect(revoke.status()).toBe(403);
  const self = await (await api.get(`/api/v1/staff/accounts?q=${encodeURIComponent(support.email)}`)).json();
  const promote = await api.patch(`/api/v1/staff/accounts/${self.accounts[0].id}`, { data: { role: "staff" } });
  expect(promote.status()).toBe(403);
  const again = await (await api.get(`/api/v1/staff/accounts?q=${encodeURIComponent(support.email)}`)).json();
  expect(again.accounts[0].role).toBe("support");
  await api.dispose();
});
