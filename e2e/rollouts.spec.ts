import { createHash } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import type { DeviceClient } from "../device/client";
import { claimDevice, newParticipant, staffApi } from "./api";
import { signIn, STAFF } from "./helpers";
import { uniqueRolloutModel, uploadImage } from "./rollout-fixtures";

// Staged firmware rollouts (docs/firmware.md) end to end, on both databases: staff start one on
// the page, the engine (ticking every second in the e2e server) sends each stage, devices take
// the update as section 7 says (download, check the hash, acknowledge with the new version), a
// stage's failures pause it, and staff resume and abort it on the page.

const SHOTS = path.resolve("e2e", ".tmp", "rollouts-screens");
type Update = { id: string; type: string; params: { url: string; sha256: string; version: string } };

/** `n` devices of `model`, claimed by participants of their own (at most 3 each in e2e). */
async function fleetOf(model: string, n: number) {
  const out: DeviceClient[] = [];
  let owner: APIRequestContext | null = null;
  for (let i = 0; i < n; i++) {
    if (i % 3 === 0) owner = (await newParticipant("rollout")).api;
    out.push((await claimDevice(owner!, {}, { model })).device);
  }
  return out;
}

/** The update command a device is sent now, if any (GET /api/v1/devices/me, signed). */
async function updateFor(d: DeviceClient): Promise<Update | undefined> {
  const me = await d.signed("GET", "/api/v1/devices/me");
  expect(me.status).toBe(200);
  return (me.body as { commands: Update[] }).commands.find((c) => c.type === "update_firmware");
}

/** The device downloads the image, checks it and acknowledges (done, or failed with `code`). */
async function takeUpdate(d: DeviceClient, u: Update, code?: string) {
  const bytes = Buffer.from(await (await fetch(u.params.url)).arrayBuffer());
  expect(createHash("sha256").update(bytes).digest("hex")).toBe(u.params.sha256);
  const body = code
    ? { status: "failed", detail: `${code}: test`, firmware: "1.0.0" }
    : { status: "done", firmware: u.params.version };
  const ack = await d.signed("POST", `/api/v1/devices/me/commands/${u.id}`, JSON.stringify(body));
  expect(ack.status).toBe(200);
}

async function rollout(staff: APIRequestContext, id: string) {
  return (await (await staff.get(`/api/v1/staff/firmware/rollouts/${id}`)).json()) as {
    status: string;
    pauseReason: string | null;
    currentStage: number;
    totals: { done: number; failed: number; queued: number; badSignatures: number };
  };
}

async function startOnPage(page: Page, sha256: string, stages: string) {
  await page.goto("/staff/firmware/rollouts");
  await page.getByLabel("Image").selectOption(sha256);
  await page.getByLabel("Stages (percent:soak minutes)").fill(stages);
  await page.getByRole("button", { name: "Review and start" }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Start the rollout" }).click();
  await expect(page).toHaveURL(/\/staff\/firmware\/rollouts\/rol_[A-Z2-7]{16}$/);
  return page.url().split("/").pop()!;
}

async function confirm(page: Page, action: "Pause" | "Resume" | "Abort") {
  await page.getByTestId("rollout-controls").getByRole("button", { name: action, exact: true }).click();
  await page
    .getByRole("alertdialog")
    .getByRole("button", { name: `${action} the rollout` })
    .click();
  await expect(page.getByRole("alertdialog")).toBeHidden();
}

test.describe.configure({ mode: "serial" });

test("a rollout started on the page reaches the model's devices stage by stage, never another model's, and completes", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const staff = await staffApi();
  const model = uniqueRolloutModel();
  const fleet = await fleetOf(model, 4);
  const [stranger] = await fleetOf(uniqueRolloutModel("other"), 1);
  const { sha256 } = await uploadImage(staff, model);
  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  const id = await startOnPage(page, sha256, "25:0, 100:0");

  // Stage 1 (25 % of 4): one device gets the command; the others not yet.
  let first: DeviceClient | undefined;
  await expect
    .poll(async () => {
      for (const d of fleet) if (await updateFor(d)) first = d;
      return first !== undefined;
    })
    .toBe(true);
  const waiting = fleet.filter((d) => d !== first);
  for (const d of waiting) expect(await updateFor(d)).toBeUndefined();
  await takeUpdate(first!, (await updateFor(first!))!);
  // Then stage 2: the other three.
  for (const d of waiting) {
    await expect.poll(async () => (await updateFor(d)) !== undefined).toBe(true);
    await takeUpdate(d, (await updateFor(d))!);
  }
  await expect.poll(async () => (await rollout(staff, id)).status).toBe("completed");
  expect((await rollout(staff, id)).totals).toMatchObject({ done: 4, failed: 0, queued: 0 });
  expect(await updateFor(stranger)).toBeUndefined();

  await page.reload();
  await expect(page.getByTestId("rollout-status")).toContainText("completed");
  await expect(page.locator("[data-stage='1'] [data-testid=done]")).toHaveText("3");
  await page.goto("/staff/firmware/rollouts");
  await expect(page.locator(`[data-model='${model}'] [data-version='1.5.0'] [data-testid=adoption-count]`)).toHaveText(
    "4",
  );
  // Screenshots once per CI run (the page checks of e2e/pages.spec.ts run on PGlite too).
  if (process.env.DATABASE_URL) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.goto(`/staff/firmware/rollouts/${id}`);
    await page.screenshot({ path: path.join(SHOTS, `rollout-${width}.png`), fullPage: true });
    await page.goto("/staff/firmware/rollouts");
    await page.screenshot({ path: path.join(SHOTS, `rollouts-${width}.png`), fullPage: true });
  }
});

test("a stage's failures pause the rollout on its own; staff resume it, then abort it, and its commands stop reaching devices", async ({
  page,
}) => {
  test.setTimeout(240_000);
  const staff = await staffApi();
  const model = uniqueRolloutModel();
  const fleet = await fleetOf(model, 4);
  const { sha256 } = await uploadImage(staff, model);
  await signIn(page, STAFF.email, STAFF.password, /\/staff\/accounts$/);
  const id = await startOnPage(page, sha256, "25:0, 100:0");

  let first: DeviceClient | undefined;
  await expect
    .poll(async () => {
      for (const d of fleet) if (await updateFor(d)) first = d;
      return first !== undefined;
    })
    .toBe(true);
  // One failure in a stage of one device: past 5 %.
  await takeUpdate(first!, (await updateFor(first!))!, "bad_signature");
  await expect.poll(async () => (await rollout(staff, id)).pauseReason).toBe("failure_threshold");
  await page.reload();
  await expect(page.getByTestId("pause-reason")).toContainText("failures reached the threshold");
  await expect(page.getByTestId("bad-signature-alarm")).toBeVisible();
  const rest = fleet.filter((d) => d !== first);
  for (const d of rest) expect(await updateFor(d)).toBeUndefined();

  // Only staff steer a rollout.
  const refused = await (
    await newParticipant("rollout-nobody")
  ).api.post(`/api/v1/staff/firmware/rollouts/${id}/resume`);
  expect(refused.status()).toBe(403);

  await confirm(page, "Resume");
  await expect(page.getByTestId("rollout-status")).toContainText("running");
  for (const d of rest) await expect.poll(async () => (await updateFor(d)) !== undefined).toBe(true);
  await page.reload();
  await confirm(page, "Abort");
  await expect(page.getByTestId("rollout-status")).toContainText("aborted");
  for (const d of rest) expect(await updateFor(d)).toBeUndefined();
  expect((await rollout(staff, id)).totals).toMatchObject({ failed: 1, badSignatures: 1, queued: 0 });
  // Aborted is final.
  const again = await staff.post(`/api/v1/staff/firmware/rollouts/${id}/resume`);
  expect(again.status()).toBe(409);
  expect((await again.json()).code).toBe("status_transition_not_allowed");
});
