import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import type { Challenge, UntrustedAnswer } from "../device/client";
import { claim, claimDevice, deviceShowingCode, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { signIn, typeCode, uniqueEmail } from "./helpers";
import { screenshotsIn } from "./shots";

// A participant's side of a study (docs/studies.md), in a browser and over the API: invitation ->
// consent -> claim -> readings -> withdrawal under `erase` and `retain`, a new consent version
// asked for at sign-in, refusals that change nothing, deleting one's account, and an erasure
// that resumes after the app is killed in the middle. The staff side of each study (creating it,
// its consent versions) is done in the database with the lib/studies use cases (e2e/study-db.ts).
// The spec runs its own app: on the embedded database the spec's database steps need the app
// stopped, and the kill test needs a process of its own.

const PORT = Number(process.env.E2E_PORT ?? 3100) + 1;
const BASE = `http://localhost:${PORT}`;
const PG = !!process.env.DATABASE_URL;
const DATA_DIR = path.resolve("e2e", ".tmp", `data-${PORT}`);
const SHOTS = path.resolve("e2e", ".tmp", "studies-participant");
// Small erasure batches, so the kill test catches an erasure between two of them.
const APP_ENV = { CLAIMLINK_ERASURE_BATCH_ROWS: "20" };
const PASSWORD = "participant pw 123";

test.describe.configure({ mode: "serial" });
test.use({ baseURL: BASE });
test.setTimeout(180_000);

let app: AppProcess | null = null;

/**
 * Runs database commands (e2e/study-db.ts). On the embedded database the app is stopped around
 * them and started again on the same data; on PostgreSQL it keeps running.
 */
async function inDb<T = unknown>(...cmds: Record<string, unknown>[]): Promise<T[]> {
  if (!PG && app) {
    await app.stop();
    app = null;
  }
  const env: NodeJS.ProcessEnv = { ...process.env, CLAIMLINK_PUBLIC_URL: BASE, ...APP_ENV };
  if (!PG) env.CLAIMLINK_DATA_DIR = DATA_DIR;
  const r = spawnSync(
    process.execPath,
    [path.resolve("node_modules/tsx/dist/cli.mjs"), "e2e/study-db.ts", JSON.stringify(cmds)],
    { env, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`study-db failed: ${r.stderr}`);
  // A loaded machine (two cores shared) may take a while to start Next.
  if (!app) app = await startApp(PORT, APP_ENV, { keepData: true, startSeconds: 120 });
  return JSON.parse(r.stdout) as T[];
}

type Study = { id: string; consentVersionId: string; questions: string[] };
type Rows = {
  devices: number;
  readings: number;
  credentials: number;
  intakeAnswers: number;
  claims: number;
  openErasures: number;
};
let erase: Study;
let retain: Study;
let other: Study;
type Person = { id: string; email: string };
const people: Record<string, Person> = {};
let inviteLink = "";
const INVITEE = uniqueEmail("invitee");

test.beforeAll(async () => {
  // Two database steps, each restarting the app on the embedded database: minutes on a loaded machine.
  test.setTimeout(360_000);
  if (!PG) {
    rmSync(DATA_DIR, { recursive: true, force: true });
    mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
  }
  [erase, retain, other] = await inDb<Study>(
    { op: "study", name: "Warm homes", policy: "erase", models: ["sim-room"] },
    { op: "study", name: "Cool homes", policy: "retain", models: [] },
    { op: "study", name: "Quiet homes", policy: "erase", models: [] },
  );
  // Every account of the spec in one step (each step restarts the app on the embedded database).
  const accounts: [string, Study[], boolean][] = [
    ["enrolled", [retain], false],
    ["reconsent", [erase], true],
    ["bad-input", [retain], true],
    ["two-studies", [retain, other], true],
    ["leaver", [], false],
    ["killed", [other], true],
  ];
  const made = await inDb<Person | { link: string }>(
    { op: "invite", email: INVITEE, studyId: erase.id },
    ...accounts.map(([tag, studies, consent]) => ({
      op: "account",
      email: uniqueEmail(tag),
      password: PASSWORD,
      studies,
      consent,
    })),
  );
  inviteLink = (made[0] as { link: string }).link;
  accounts.forEach(([tag], i) => (people[tag] = made[i + 1] as Person));
});

test.afterAll(async () => {
  await app?.stop();
});

/** The page at 390 and 1280 px, saved for a look (its width is not checked here). */
const shot = screenshotsIn(SHOTS, { fits: false });

const rows = async (userId: string, studyId: string, deviceIds: string[]) =>
  (await inDb<Rows>({ op: "rows", userId, studyId, deviceIds }))[0];

function readingsBody(n: number, start = Date.UTC(2026, 10, 1)) {
  return JSON.stringify({
    measurements: Array.from({ length: n }, (_, i) => ({
      property: "temperature",
      unit: "Cel",
      time: new Date(start + i * 60_000).toISOString(),
      value: 20 + i / 10,
    })),
  });
}

/** One of the spec's accounts, signed in over the API. */
async function person(tag: string) {
  const p = people[tag];
  return { email: p.email, userId: p.id, api: await signedInApi(p.email, PASSWORD, BASE) };
}

test("an invitation shows the study and its consent text; consent, claim, intake, readings, then withdrawal under erase leaves no row", async ({
  page,
}) => {
  // Several database steps: on the embedded database each restarts the app, which takes a while on a loaded machine.
  test.setTimeout(360_000);
  await page.goto(inviteLink.replace(/^https?:\/\/[^/]+/, ""));
  const study = page.getByTestId("invite-study");
  await expect(study).toContainText("Warm homes: how warm homes are kept in winter.");
  const text = page.getByTestId("invite-consent-text");
  await expect(text.locator("strong")).toHaveText("temperature");
  // Raw HTML in the Markdown is dropped, and a javascript: link goes nowhere.
  await expect(text.locator("b")).toHaveCount(0);
  await expect(text.getByRole("link", { name: "Click me" })).not.toHaveAttribute("href", /javascript/i);
  await shot(page, "invite");

  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByLabel("Repeat the password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page.getByTestId("form-error")).toContainText("Tick the box to consent");
  await page.getByTestId("invite-consent").check();
  await page.getByRole("button", { name: "Create my account" }).click();
  // The consent ticked on the invitation is recorded for that version, then on to the devices.
  await expect(page).toHaveURL(/\/devices$/, { timeout: 20_000 });
  const checklist = page.getByTestId("study-checklist");
  await expect(checklist).toContainText("0 of 2 steps done");
  await expect(checklist.locator("[data-step=claim_device]")).toHaveAttribute("data-done", "false");

  // Claim with the typed code of a simulated device.
  const d = await deviceShowingCode({ base: BASE, model: "sim-room" });
  await page.goto("/claim");
  await typeCode(page, `${d.sid}.${d.code}`);
  const challenge = (await d.poll) as Challenge;
  expect((await d.device.answer(challenge)).state).toBe("claimed");
  await expect(page.getByTestId("claim-done")).toBeVisible();
  await page.goto("/devices");
  await expect(checklist.locator("[data-step=claim_device]")).toHaveAttribute("data-done", "true");

  // Intake: an area out of bounds is refused with its bounds and nothing is saved; then a good one.
  const form = page.getByTestId("intake-form");
  await form.getByLabel("Floor area of your home").fill("9000");
  await form.getByLabel("Heat pump").check();
  await form.getByRole("button", { name: "Save answers" }).click();
  await expect(form.getByRole("alert").first()).toHaveText("Give a number from 10 to 500 m2.");
  await expect(page.getByTestId("intake-message")).toContainText("nothing was saved");
  await shot(page, "devices-intake-error");
  await form.getByLabel("Floor area of your home").fill("85");
  await form.getByRole("button", { name: "Save answers" }).click();
  await expect(page.getByTestId("intake-message")).toContainText("saved");
  await expect(checklist).toContainText("2 of 2 steps done");
  await shot(page, "devices-checklist");

  // Readings from the device.
  const sent = await d.device.signed("POST", "/api/v1/devices/me/measurements", readingsBody(30));
  expect(sent.status).toBeLessThan(300);
  const deviceId = d.device.credential!.deviceId;

  // Withdraw from /account: the confirmation says exactly what happens.
  await page.goto("/account");
  await shot(page, "account-studies");
  await page.getByTestId("my-studies").getByRole("link", { name: "Withdraw" }).click();
  // What the screen says is what the database holds: counted before and after.
  const [before] = await inDb<Rows>({ op: "rows", email: INVITEE, studyId: erase.id, deviceIds: [deviceId] });
  expect(before).toMatchObject({ devices: 1, readings: 30, credentials: 1, intakeAnswers: 2, claims: 1 });
  await page.goto("/account");
  await page.getByTestId("my-studies").getByRole("link", { name: "Withdraw" }).click();
  await expect(page.getByTestId("withdraw-readings")).toContainText("All 30 readings");
  await expect(page.getByTestId("withdraw-preview")).toContainText("answers to the intake questions are deleted");
  await shot(page, "withdraw-erase");
  await page.getByRole("button", { name: "Withdraw from the study" }).click();
  await page.getByTestId("confirm-dialog").getByRole("button", { name: "Withdraw", exact: true }).click();
  await expect(page.getByTestId("withdrawn")).toBeVisible();
  await expect(page.getByTestId("erasure-progress")).toHaveAttribute("data-done", "yes", { timeout: 20_000 });
  await expect(page.getByTestId("erasure-progress")).toContainText("30 readings");
  await shot(page, "withdrawn-erase");

  // The device is refused: once the erasure is done the server no longer knows its credential at
  // all (credential_revoked is seen while the erasure runs: the kill test below). No row of theirs
  // is left in the study.
  const next = await d.device.signed("GET", "/api/v1/devices/me").catch((e: unknown) => e);
  expect(next).toMatchObject({ status: 401, code: "unknown_credential" });
  const [after] = await inDb<Rows>({ op: "rows", email: INVITEE, studyId: erase.id, deviceIds: [deviceId] });
  expect(after).toEqual({
    devices: 0,
    readings: 0,
    credentials: 0,
    intakeAnswers: 0,
    claims: 0,
    openErasures: 0,
  });
});

test("an enrolled account sees the consent screen at sign-in; withdrawal under retain keeps the data and accepts nothing new", async ({
  page,
}) => {
  const p = people["enrolled"];
  await signIn(page, p.email, PASSWORD, /\/studies\/stu_\w+\/consent$/);
  await expect(page.getByTestId("consent-title")).toHaveText("Cool homes");
  await expect(page.getByTestId("data-policy")).toContainText("stays in the study");
  await shot(page, "consent-first");
  await expect(page.getByRole("button", { name: "I consent" })).toBeDisabled();
  await page.getByTestId("consent-checkbox").check();
  await page.getByRole("button", { name: "I consent" }).click();
  await expect(page).toHaveURL(/\/devices$/);

  const api = await signedInApi(p.email, PASSWORD, BASE);
  const d = await claimDevice(api, {}, { base: BASE });
  expect((await d.device.signed("POST", "/api/v1/devices/me/measurements", readingsBody(12))).status).toBeLessThan(300);
  await page.goto(`/account/studies/${retain.id}/withdraw`);
  await expect(page.getByTestId("withdraw-readings")).toContainText("keeps the 12 readings");
  await shot(page, "withdraw-retain");
  const w = await api.post(`/api/v1/me/studies/${retain.id}/withdrawal`);
  expect(w.status()).toBe(200);
  expect(await w.json()).toMatchObject({ dataPolicy: "retain", devices: 1, erasureId: null });

  // Nothing new is accepted; what was collected stays.
  const late = await d.device.signed("POST", "/api/v1/devices/me/measurements", readingsBody(3, Date.UTC(2026, 11, 1)));
  expect(late.status).toBe(401);
  expect((late.body as { code: string }).code).toBe("credential_revoked");
  // Withdrawing again is a study one is no longer in.
  expect((await api.post(`/api/v1/me/studies/${retain.id}/withdrawal`)).status()).toBe(404);
  expect(await rows(p.id, retain.id, [d.deviceId])).toMatchObject({ devices: 1, readings: 12, openErasures: 0 });
  await page.goto("/account");
  await expect(page.getByTestId("my-studies")).toContainText("Withdrawn");
});

test("a new consent version that asks again comes first at sign-in, with what changed; readings pause meanwhile", async ({
  page,
}) => {
  const p = await person("reconsent");
  const d = await claimDevice(p.api, {}, { base: BASE, model: "sim-room" });
  const [{ versionId, version }] = await inDb<{ versionId: string; version: number }>({
    op: "reconsent",
    studyId: erase.id,
  });
  expect(version).toBe(2);
  const api = await signedInApi(p.email, PASSWORD, BASE);

  // Paused (the study's default): the device is told to keep its readings and try later.
  const paused = await d.device.signed("POST", "/api/v1/devices/me/measurements", readingsBody(2));
  expect(paused.status).toBe(429);
  // No new device for the study meanwhile.
  const second = await deviceShowingCode({ base: BASE, model: "sim-room" });
  expect((await claim(api, { sid: second.sid, pop: second.code })).body.code).toBe("consent_required");

  await signIn(page, p.email, PASSWORD, new RegExp(`/studies/${erase.id}/consent$`));
  await expect(page.getByTestId("consent-changes")).toContainText("We now also measure humidity.");
  await expect(page.getByTestId("consent-text")).toContainText("humidity");
  await shot(page, "consent-again");
  // Consenting to the old version is refused; nothing changes.
  const old = await api.post(`/api/v1/me/studies/${erase.id}/consent`, {
    data: { versionId: erase.consentVersionId },
  });
  expect(old.status()).toBe(409);
  expect((await old.json()).code).toBe("consent_version_not_current");
  expect(await stateIn(api, erase.id)).toBe("reconsent_pending");

  await page.getByTestId("consent-checkbox").check();
  await page.getByRole("button", { name: "I consent" }).click();
  await expect(page).toHaveURL(/\/devices$/);
  expect(await stateIn(api, erase.id)).toBe("consented");
  expect((await d.device.signed("POST", "/api/v1/devices/me/measurements", readingsBody(2))).status).toBeLessThan(300);
  erase.consentVersionId = versionId;
});

async function stateIn(api: APIRequestContext, studyId: string) {
  const mine = await (await api.get("/api/v1/me/studies")).json();
  return mine.studies.find((s: { studyId: string }) => s.studyId === studyId)?.state;
}

test("bad input gets a clear 4xx and changes nothing", async () => {
  const { api } = await person("bad-input");
  const [area] = retain.questions;

  const unknownVersion = await api.post(`/api/v1/me/studies/${retain.id}/consent`, {
    data: { versionId: "cnv_AAAAAAAAAAAAAAAA" },
  });
  expect(unknownVersion.status()).toBe(404);
  expect((await unknownVersion.json()).code).toBe("consent_version_not_found");
  const otherStudysVersion = await api.post(`/api/v1/me/studies/${retain.id}/consent`, {
    data: { versionId: other.consentVersionId },
  });
  expect((await otherStudysVersion.json()).code).toBe("consent_version_not_found");
  const extra = await api.post(`/api/v1/me/studies/${retain.id}/consent`, {
    data: { versionId: retain.consentVersionId, more: 1 },
  });
  expect(extra.status()).toBe(400);

  const outOfBounds = await api.put(`/api/v1/me/studies/${retain.id}/intake`, { data: { answers: { [area]: 5 } } });
  expect(outOfBounds.status()).toBe(400);
  const problem = await outOfBounds.json();
  expect(problem.code).toBe("invalid_request");
  expect(problem.errors).toEqual([{ path: `answers.${area}`, message: "must be at least 10 m2" }]);
  const intake = await (await api.get(`/api/v1/me/studies/${retain.id}/intake`)).json();
  expect(intake.questions.every((q: { answer: unknown }) => q.answer === null)).toBe(true);

  const notIn = await api.post(`/api/v1/me/studies/${other.id}/withdrawal`);
  expect(notIn.status()).toBe(404);
  expect((await notIn.json()).code).toBe("study_not_found");
  expect((await api.get(`/api/v1/me/studies/${other.id}/withdrawal`)).status()).toBe(404);
  expect((await api.post(`/api/v1/me/studies/not-a-study/withdrawal`)).status()).toBe(404);

  // Still in the one study, consented, nothing withdrawn.
  const mine = await (await api.get("/api/v1/me/studies")).json();
  expect(
    mine.studies.map((s: { studyId: string; state: string; withdrawnAt: unknown }) => [
      s.studyId,
      s.state,
      s.withdrawnAt,
    ]),
  ).toEqual([[retain.id, "consented", null]]);
});

test("someone in two studies chooses the study on the claim page", async ({ page }) => {
  const p = await person("two-studies");
  const d = await deviceShowingCode({ base: BASE });
  expect((await claim(p.api, { sid: d.sid, pop: d.code })).body.code).toBe("study_required");

  await signIn(page, p.email, PASSWORD);
  await page.goto("/claim");
  await page.getByTestId("claim-study").selectOption({ label: "Quiet homes" });
  await shot(page, "claim-choose-study");
  await typeCode(page, `${d.sid}.${d.device.codeAt(0)}`);
  const challenge = (await d.poll) as Challenge;
  expect((await d.device.answer(challenge)).state).toBe("claimed");
  await expect(page.getByTestId("claim-done")).toBeVisible();
  // The device is in the chosen study: withdrawing from it would release it.
  const preview = await (await p.api.get(`/api/v1/me/studies/${other.id}/withdrawal`)).json();
  expect(preview.devices.map((x: { id: string }) => x.id)).toEqual([d.device.credential!.deviceId]);
});

test("delete my account: signed out everywhere, cannot sign in again, devices released", async ({ page }) => {
  const { email, api } = await person("leaver");
  const d = await claimDevice(api, {}, { base: BASE });
  await signIn(page, email, PASSWORD);
  await page.goto("/account");
  await page.getByLabel("Your password").fill("not my password");
  await page.getByRole("button", { name: "Delete my account" }).click();
  const dialog = page.getByTestId("confirm-dialog");
  await dialog.getByRole("button", { name: "Delete my account" }).click();
  await expect(dialog.getByRole("alert")).toContainText("password is not right");
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await shot(page, "account-delete");
  await page.getByLabel("Your password").fill(PASSWORD);
  await page.getByRole("button", { name: "Delete my account" }).click();
  await dialog.getByRole("button", { name: "Delete my account" }).click();
  await expect(page).toHaveURL(/\/sign-in/);

  expect((await api.get("/api/v1/me/studies")).status()).toBe(401);
  // Revoked, and once its erasure ran, unknown to the server.
  const next = await d.device.signed("GET", "/api/v1/devices/me").then(
    (r) => ({ status: r.status, code: (r.body as { code: string }).code }),
    (e: UntrustedAnswer) => ({ status: e.status, code: e.code }),
  );
  expect(next.status).toBe(401);
  expect(["credential_revoked", "unknown_credential"]).toContain(next.code);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("form-error")).toBeVisible();
  await expect(page).toHaveURL(/\/sign-in/);
});

test("an erasure killed in the middle resumes after the restart and leaves no row", async () => {
  // On both databases: the erasure yields to the event loop between its batches
  // (lib/studies/erasure.ts), so the app answers the status polls below while it runs, also on
  // the embedded database, whose queries run in the app's own thread.
  test.setTimeout(300_000);
  const p = await person("killed");
  const d = await claimDevice(p.api, {}, { base: BASE });
  const TOTAL = 40_000;
  await inDb({ op: "readings", deviceId: d.deviceId, n: TOTAL });
  const api = await signedInApi(p.email, PASSWORD, BASE); // the app may have restarted (embedded database)
  const w = await (await api.post(`/api/v1/me/studies/${other.id}/withdrawal`)).json();
  expect(w.erasureId).toMatch(/^ers_/);
  // Killed once the first batches are gone, before the last.
  for (;;) {
    const s = await (await api.get(`/api/v1/me/erasures/${w.erasureId}`)).json();
    expect(s.completedAt).toBeNull();
    if (s.readingsDeleted > 0) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  await app!.kill();
  app = null;
  const half = await rows(p.userId, other.id, [d.deviceId]); // starts the app again
  expect(half.openErasures).toBe(1);
  expect(half.readings).toBeGreaterThan(0);
  expect(half.readings).toBeLessThan(TOTAL);
  // Until the erasure ends, the device's credential is there, revoked.
  const revoked = await d.device.signed("GET", "/api/v1/devices/me");
  expect(revoked.status).toBe(401);
  expect((revoked.body as { code: string }).code).toBe("credential_revoked");

  // Housekeeping's first run (30 s after start) finishes it.
  const again = await signedInApi(p.email, PASSWORD, BASE);
  await expect
    .poll(async () => (await (await again.get(`/api/v1/me/erasures/${w.erasureId}`)).json()).completedAt, {
      timeout: 120_000,
      intervals: [2000],
    })
    .not.toBeNull();
  expect(await rows(p.userId, other.id, [d.deviceId])).toEqual({
    devices: 0,
    readings: 0,
    credentials: 0,
    intakeAnswers: 0,
    claims: 0,
    openErasures: 0,
  });
});
