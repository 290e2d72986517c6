import { createHash, randomBytes } from "node:crypto";
import { expect, request as pwRequest, test } from "@playwright/test";
import { signFirmware } from "../lib/firmware/sign";
import { TEST_FIRMWARE_KID, TEST_FIRMWARE_PRIVATE_KEY } from "../scripts/test-keys.mjs";
import { BASE, staffApi } from "./api";
import { signIn, STAFF } from "./helpers";
import { screenshotsIn } from "./shots";

// Firmware images as staff handle them (docs/protocol.md section 7): uploaded through the page
// with a signature made offline, refused with a clear reason when the signature does not match,
// yanked after a confirmation; and served to devices by hash, publicly, with Range.

// The test firmware key of the protocol's vectors; the suite's server accepts it (scripts/test-keys.mjs).
const TEST_KEY = TEST_FIRMWARE_PRIVATE_KEY;
const TEST_KID = TEST_FIRMWARE_KID;

test("staff upload a signed image on /staff/firmware, see a wrong signature refused, and yank it", async ({ page }) => {
  const staff = await staffApi();
  const model = `e2e-fw-${randomBytes(4).toString("hex")}`;
  expect(
    (await staff.post("/api/v1/staff/models", { data: { model, displayName: "E2E firmware kit" } })).status(),
  ).toBe(200);
  const image = randomBytes(300_000);
  const sha256 = createHash("sha256").update(image).digest("hex");
  const sigFor = (version: string) => signFirmware(TEST_KEY, { model, version, size: image.length, sha256 });

  await signIn(page, STAFF.email, STAFF.password);
  await page.goto("/staff/firmware");
  await expect(page.getByRole("heading", { name: "Firmware", level: 1 })).toBeVisible();
  const form = page.getByTestId("firmware-upload");
  const fill = async (version: string, sig: string) => {
    await form.getByLabel("Model").selectOption(model);
    await form.getByLabel("Version").fill(version);
    await form
      .getByLabel("Image file")
      .setInputFiles({ name: "heat.bin", mimeType: "application/octet-stream", buffer: image });
    await form.getByLabel("Signature").fill(sig);
  };

  // Signed for 1.5.1, uploaded as 1.5.0: refused, nothing stored.
  await fill("1.5.0", sigFor("1.5.1"));
  await form.getByRole("button", { name: "Upload image" }).click();
  const message = page.getByTestId("firmware-message");
  await expect(message).toContainText("Firmware signature does not verify");
  await expect(message).toHaveAttribute("data-kind", "error");
  await expect(page.locator(`section[data-model="${model}"]`)).toHaveCount(0);
  // Not a version.
  await fill("1.05.0", sigFor("1.05.0"));
  await form.getByRole("button", { name: "Upload image" }).click();
  await expect(message).toContainText("Not a firmware version");

  await fill("1.5.0", sigFor("1.5.0"));
  await form.getByLabel("Release notes").fill("Heats faster.");
  await form.getByRole("button", { name: "Upload image" }).click();
  await expect(message).toContainText(`Uploaded ${model} 1.5.0, SHA-256 ${sha256}`);
  const row = page.locator(`section[data-model="${model}"] tr[data-version="1.5.0"]`);
  await expect(row).toContainText(sha256.slice(0, 12));
  await expect(row).toContainText(TEST_KID);
  await expect(row).toContainText("usable");

  // The same version again: refused with its reason.
  await fill("1.5.0", sigFor("1.5.0"));
  await form.getByRole("button", { name: "Upload image" }).click();
  await expect(message).toContainText("Firmware version already uploaded");

  if (process.env.FW_SHOTS) {
    await screenshotsIn("e2e/.tmp", { fits: false })(page, "firmware");
    await page.setViewportSize({ width: 1280, height: 720 });
  }

  await row.getByRole("button", { name: `Yank ${model} 1.5.0` }).click();
  const dialog = page.getByTestId("confirm-dialog");
  await expect(dialog).toContainText("No new update or rollout may use it");
  await dialog.getByRole("button", { name: `Yank ${model} 1.5.0` }).click();
  await expect(row).toContainText("yanked");
  await expect(row.getByRole("button", { name: /^Yank/ })).toHaveCount(0);

  const listed = await (await staff.get(`/api/v1/staff/firmware?model=${model}`)).json();
  expect(listed.models[0].images[0]).toMatchObject({ version: "1.5.0", sha256, notes: "Heats faster." });
  expect(listed.models[0].images[0].yankedAt).not.toBeNull();
  await staff.dispose();

  // A yanked image is still served: a device already told to fetch it can finish.
  const anyone = await pwRequest.newContext({ baseURL: BASE });
  const whole = await anyone.get(`/api/v1/firmware/${sha256}`);
  expect(whole.status()).toBe(200);
  expect(whole.headers()["content-length"]).toBe(String(image.length));
  expect(whole.headers()["etag"]).toBe(`"${sha256}"`);
  expect(whole.headers()["cache-control"]).toBe("public, max-age=31536000, immutable");
  expect(
    createHash("sha256")
      .update(await whole.body())
      .digest("hex"),
  ).toBe(sha256);
  const part = await anyone.get(`/api/v1/firmware/${sha256}`, { headers: { range: "bytes=262140-262149" } });
  expect(part.status()).toBe(206);
  expect(part.headers()["content-range"]).toBe(`bytes 262140-262149/${image.length}`);
  expect((await part.body()).equals(image.subarray(262140, 262150))).toBe(true);
  expect(
    (await anyone.get(`/api/v1/firmware/${sha256}`, { headers: { "if-none-match": `"${sha256}"` } })).status(),
  ).toBe(304);
  expect(
    (await anyone.get(`/api/v1/firmware/${sha256}`, { headers: { range: `bytes=${image.length}-` } })).status(),
  ).toBe(416);
  const head = await anyone.fetch(`/api/v1/firmware/${sha256}`, { method: "HEAD" });
  expect([head.status(), head.headers()["content-length"]]).toEqual([200, String(image.length)]);
  expect((await anyone.get(`/api/v1/firmware/${"0".repeat(64)}`)).status()).toBe(404);
  await anyone.dispose();
});

test("/.well-known/claimlink publishes the firmware keys", async () => {
  const doc = await (await fetch(`${BASE}/.well-known/claimlink`)).json();
  expect(doc.firmwareKeys).toEqual([
    {
      kid: TEST_KID,
      alg: "ES256",
      publicKey: "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts",
    },
  ]);
});
