import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { DeviceClient } from "../device/client";
import { claimDevice, signedInApi } from "./api";
import { STAFF, signIn, uniqueEmail } from "./helpers";
import { screenshotsIn } from "./shots";

// Staff acting on a participant's request from the account's page (docs/studies.md
// "Withdrawal", "Deleting an account"): withdraw them from one study, then delete the account,
// each after a dialog that says exactly what will happen and asks for the reason; every step
// audited. Staff cannot delete their own account this way. Everything goes through the app's
// routes, so the spec runs on either database against the suite's server.

const PASSWORD = "participant pw 123";
const SHOTS = path.resolve("e2e", ".tmp", "staff-account");

test.describe.configure({ mode: "serial" });
test.setTimeout(120_000);

let staff: APIRequestContext;
const studies = { erase: "", retain: "" };
let person: { email: string; id: string; api: APIRequestContext };
const devices: Record<"erase" | "retain", { device: DeviceClient; deviceId: string }> = {} as never;

async function newStudy(name: string, dataPolicy: "erase" | "retain") {
  const r = await staff.post("/api/v1/staff/studies", {
    data: {
      name: { en: name },
      description: { en: `The ${name} study.` },
      contactEmail: "study-desk@e2e.example.org",
      startsOn: "2026-01-01",
      endsOn: "2099-12-31",
      dataPolicy,
    },
  });
  expect(r.status(), await r.text()).toBe(201);
  const id = (await r.json()).id as string;
  const text = {
    en: `I agree. If I withdraw, my data is ${dataPolicy === "erase" ? "deleted" : "kept, without my name"}.`,
  };
  expect((await staff.post(`/api/v1/staff/studies/${id}/consent-versions`, { data: { text } })).status()).toBe(200);
  const open = await staff.post(`/api/v1/staff/studies/${id}/status`, { data: { status: "recruiting" } });
  expect(open.status()).toBe(200);
  return id;
}

async function consent(api: APIRequestContext, studyId: string) {
  const screen = await (await api.get(`/api/v1/me/studies/${studyId}/consent`)).json();
  const r = await api.post(`/api/v1/me/studies/${studyId}/consent`, { data: { versionId: screen.current.id } });
  expect(r.status(), await r.text()).toBeLessThan(300);
}

async function sendReadings(device: DeviceClient, n: number) {
  const now = Date.now();
  const measurements = Array.from({ length: n }, (_, i) => ({
    property: "temperature",
    unit: "Cel",
    time: new Date(now - (n - i) * 60_000).toISOString(),
    value: 20 + i / 10,
  }));
  const r = await device.signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements }));
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

async function refusedAs(device: DeviceClient) {
  return device.signed("GET", "/api/v1/devices/me").then(
    (r) => (r.body as { code?: string }).code ?? String(r.status),
    (e: { code?: string }) => e.code,
  );
}

async function auditOf(action: string) {
  const r = await staff.get(`/api/v1/staff/audit?account=${person.id}&action=${action}`);
  expect(r.status(), await r.text()).toBe(200);
  return ((await r.json()) as { events: { action: string; actorLabel: string; detail: Record<string, unknown> }[] })
    .events;
}

const shoot = screenshotsIn(SHOTS);

test.beforeAll(async () => {
  staff = await signedInApi(STAFF.email, STAFF.password);
  studies.erase = await newStudy("Warm rooms", "erase");
  studies.retain = await newStudy("Fresh air", "retain");
  const email = uniqueEmail("on-request");
  const inv = await staff.post("/api/v1/staff/invitations", {
    data: { email, name: "Robin Request", role: "participant", studyId: studies.erase },
  });
  expect(inv.status(), await inv.text()).toBe(201);
  const token = new URL((await inv.json()).link).hash.slice(1);
  expect((await staff.post("/api/v1/invitations/accept", { data: { token, password: PASSWORD } })).status()).toBe(201);
  // Already an account: enrolled in the second study at once.
  const again = await staff.post("/api/v1/staff/invitations", {
    data: { email, name: "Robin Request", role: "participant", studyId: studies.retain },
  });
  expect(await again.json()).toMatchObject({ enrolled: true });
  const found = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(email)}`)).json();
  person = { email, id: found.accounts[0].id, api: await signedInApi(email, PASSWORD) };
  for (const key of ["erase", "retain"] as const) {
    await consent(person.api, studies[key]);
    const c = await claimDevice(person.api, { study: studies[key] });
    devices[key] = { device: c.device, deviceId: c.deviceId };
    await sendReadings(c.device, key === "erase" ? 5 : 7);
  }
});

test.afterAll(async () => {
  await person?.api.dispose();
  await staff?.dispose();
});

test("staff withdraw a participant from a study on request, after a dialog that says what will happen", async ({
  page,
}) => {
  await signIn(page, STAFF.email, STAFF.password);
  await page.goto(`/staff/accounts?q=${encodeURIComponent(person.email)}`);
  await page.getByTestId("account-link").first().click();
  await expect(page).toHaveURL(new RegExp(`/staff/accounts/${person.id}$`));
  await expect(page.getByTestId("account-name")).toHaveText("Robin Request");
  const rows = page.getByTestId("account-studies");
  await expect(rows).toContainText("Warm rooms");
  await expect(rows).toContainText("Fresh air");
  await shoot(page, "account");

  const eraseRow = rows.locator(`tr[data-study-id="${studies.erase}"]`);
  await eraseRow.getByRole("button", { name: "Withdraw on request" }).click();
  const dialog = page.getByTestId("confirm-dialog");
  await expect(dialog).toContainText("Withdraw Robin Request from Warm rooms?");
  await expect(dialog).toContainText(`On the request of ${person.email}.`);
  const said = dialog.getByTestId("consequences");
  await expect(said).toContainText("stops sending data at once");
  await expect(said).toContainText("all 5 readings of that device and the device records are deleted (they have");
  await expect(said).toContainText("your reason are written to the audit log");
  await shoot(page, "withdraw-dialog");
  // No reason: refused in the dialog, nothing sent.
  await dialog.getByRole("button", { name: "Withdraw", exact: true }).click();
  await expect(dialog.getByRole("alert")).toContainText("Say why");
  expect(await refusedAs(devices.erase.device)).toBe("200");
  await dialog.getByLabel("Reason (their request)").fill("Asked by phone on 7 December");
  await dialog.getByRole("button", { name: "Withdraw", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(eraseRow.getByTestId("withdrawn-at")).toBeVisible();
  await expect(eraseRow.getByRole("button")).toHaveCount(0);

  // The device is refused at once; the other study's is not; the participant sees it.
  expect(await refusedAs(devices.erase.device)).toMatch(/credential_revoked|unknown_credential/);
  expect(await refusedAs(devices.retain.device)).toBe("200");
  const mine = await (await person.api.get("/api/v1/me/studies")).json();
  const states = Object.fromEntries(mine.studies.map((s: { studyId: string; state: string }) => [s.studyId, s.state]));
  expect(states).toEqual({ [studies.erase]: "withdrawn", [studies.retain]: "consented" });
  const [withdrawn] = await auditOf("study.withdrawn");
  expect(withdrawn.detail).toMatchObject({ studyId: studies.erase, reason: "Asked by phone on 7 December" });
  expect(withdrawn.actorLabel).toBe(STAFF.email);
  // Erased in the background: the page reports it once done.
  await expect
    .poll(async () => (await page.reload(), await rows.textContent()), { timeout: 30_000, intervals: [1000] })
    .toContain("erased (5 readings)");
});

test("staff delete the account on request: the dialog lists each study's policy; sessions end, devices stop", async ({
  page,
}) => {
  // Refusals change nothing: no reason, a bad body, an unknown account.
  const del = (id: string, data: unknown) => staff.post(`/api/v1/staff/accounts/${id}/deletion`, { data });
  for (const [r, status, code] of [
    [await del(person.id, {}), 400, "invalid_request"],
    [await del(person.id, { reason: "x", more: 1 }), 400, "invalid_request"],
    [await del("usr_AAAAAAAAAAAAAAAA", { reason: "Asked" }), 404, "not_found"],
  ] as const) {
    expect(r.status()).toBe(status);
    expect(r.headers()["content-type"]).toBe("application/problem+json");
    expect((await r.json()).code).toBe(code);
  }
  expect((await person.api.get("/api/v1/me/studies")).status()).toBe(200);

  await signIn(page, STAFF.email, STAFF.password);
  await page.goto(`/staff/accounts/${person.id}`);
  await page.getByRole("button", { name: "Delete account on request" }).click();
  const dialog = page.getByTestId("confirm-dialog");
  const said = dialog.getByTestId("consequences");
  await expect(said).toContainText("They leave Fresh air under its retain policy: its 7 readings stay in the study");
  await expect(said).not.toContainText("Warm rooms"); // already left
  await expect(said).toContainText("Every session ends");
  await expect(said).toContainText("Their email and name are replaced");
  await shoot(page, "delete-dialog");
  await dialog.getByLabel("Reason (their request)").fill("Asked by mail on 7 December");
  await dialog.getByRole("button", { name: "Delete account", exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("account-deleted")).toBeVisible();
  await expect(page.getByTestId("account-name")).toHaveText("deleted account");
  await expect(page.getByRole("button", { name: /on request/ })).toHaveCount(0);
  await shoot(page, "deleted");

  expect((await person.api.get("/api/v1/me/studies")).status()).toBe(401);
  expect(await refusedAs(devices.retain.device)).toMatch(/credential_revoked|unknown_credential/);
  const [deleted] = await auditOf("account.deleted");
  expect(deleted.detail).toMatchObject({ byStaff: true, reason: "Asked by mail on 7 December", studiesLeft: 1 });
  expect(JSON.stringify(await auditOf("account.deleted"))).not.toContain(person.email);
  // Deleting it again: not found.
  expect((await del(person.id, { reason: "Again" })).status()).toBe(404);
});

test("staff cannot delete their own account on request: 409, nothing changes, and the page does not offer it", async ({
  page,
}) => {
  const me = await (await staff.get(`/api/v1/staff/accounts?q=${encodeURIComponent(STAFF.email)}`)).json();
  const myId = me.accounts[0].id as string;
  const r = await staff.post(`/api/v1/staff/accounts/${myId}/deletion`, { data: { reason: "Asked myself" } });
  expect(r.status()).toBe(409);
  expect(r.headers()["content-type"]).toBe("application/problem+json");
  const problem = await r.json();
  expect(problem.code).toBe("conflict");
  expect(problem.detail).toContain("your own account");
  expect((await staff.get("/api/v1/staff/accounts")).status()).toBe(200); // still signed in
  await signIn(page, STAFF.email, STAFF.password);
  await page.goto(`/staff/accounts/${myId}`);
  await expect(page.getByTestId("own-account")).toBeVisible();
  await expect(page.getByRole("button", { name: "Delete account on request" })).toHaveCount(0);
});
