import { expect, test } from "@playwright/test";
import { DeviceClient, UntrustedAnswer, type Challenge } from "../device/client";
import { generateSigningKey } from "../lib/crypto/server-signature";
import { claim, claimState, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { createAccountWithCli, STAFF, uniqueEmail } from "./helpers";

// docs/protocol.md section 6, "Rotating server keys": a device that pinned the current and the
// next key keeps working through a rotation; one that pinned only the old key stops trusting
// the server, by design. Also COMMAND_TTL (section 4) with a short TTL on the same instance.

const PORT = Number(process.env.E2E_PORT ?? 3100) + 4; // extra processes: E2E_PORT + 1 … + 7 (see e2e/mail.spec.ts)
const b64 = (b: Buffer) => b.toString("base64url");
const k1 = generateSigningKey();
const k2 = generateSigningKey();
const TTL = { CLAIMLINK_COMMAND_TTL_SECONDS: "3" };

let app: AppProcess | null = null;
test.afterAll(async () => {
  await app?.stop();
});

async function claimed(base: string, pins: string[]) {
  const { email, password } = createAccountWithCli(uniqueEmail("rotate"), "participant", undefined, String(PORT));
  const api = await signedInApi(email, password, base);
  const device = new DeviceClient(base, null, { model: "rotate-room", pins });
  await device.startSession();
  const poll = device.poll(25);
  // The device counts as online once its poll reached the server: retry until it has.
  let c = await claim(api, { sid: device.session!.sid, pop: device.codeAt(0) });
  for (let i = 0; i < 50 && c.status === 409 && c.body.code === "device_offline"; i++) {
    await new Promise((r) => setTimeout(r, 100));
    c = await claim(api, { sid: device.session!.sid, pop: device.codeAt(0) });
  }
  expect(c.status).toBe(202);
  expect((await device.answer((await poll) as Challenge)).state).toBe("claimed");
  expect((await claimState(api, c.body.claimId)).body.state).toBe("claimed");
  return device;
}

const reading = () =>
  JSON.stringify({ measurements: [{ property: "temperature", time: Math.floor(Date.now() / 1000), value: 21 }] });

test("a device that pinned current and next keeps working through a key rotation", async () => {
  test.setTimeout(120_000);
  app = await startApp(PORT, {
    CLAIMLINK_SIGNING_KEYS: `current=${b64(k1.privateScalar)},next=${b64(k2.publicKey)}`,
    ...TTL,
  });
  const doc = await (await fetch(`${app.base}/.well-known/claimlink`)).json();
  expect(doc.keys.map((k: { use: string; publicKey: string }) => [k.use, k.publicKey])).toEqual([
    ["current", b64(k1.publicKey)],
    ["next", b64(k2.publicKey)],
  ]);
  const both = await claimed(app.base, [b64(k1.publicKey), b64(k2.publicKey)]);
  const onlyOld = new DeviceClient(app.base, both.credential, { pins: [b64(k1.publicKey)] });
  expect((await both.signed("POST", "/api/v1/devices/me/measurements", reading())).status).toBe(200);
  expect((await onlyOld.signed("GET", "/api/v1/devices/me")).status).toBe(200);

  // Switch: the next key signs, the old one is retired. Same data, restarted.
  await app.stop();
  app = await startApp(
    PORT,
    { CLAIMLINK_SIGNING_KEYS: `current=${b64(k2.privateScalar)},retired=${b64(k1.publicKey)}`, ...TTL },
    { keepData: true },
  );
  expect((await both.signed("POST", "/api/v1/devices/me/measurements", reading())).status).toBe(200);
  expect((await both.signed("GET", "/api/v1/devices/me")).status).toBe(200);
  expect(await onlyOld.signed("GET", "/api/v1/devices/me").catch((e) => e)).toBeInstanceOf(UntrustedAnswer);
  // A new device built with both keys provisions and claims on the rotated server.
  await claimed(app.base, [b64(k1.publicKey), b64(k2.publicKey)]);
});

test("a command past COMMAND_TTL is not delivered, its acknowledgement is refused, and staff see it expired", async ({
  page,
}) => {
  test.setTimeout(120_000);
  app ??= await startApp(PORT, { CLAIMLINK_SIGNING_KEYS: `current=${b64(k2.privateScalar)}`, ...TTL });
  const pins = (await (await fetch(`${app.base}/.well-known/claimlink`)).json()).keys.map(
    (k: { publicKey: string }) => k.publicKey,
  );
  const device = await claimed(app.base, pins);
  const staff = await signedInApi(STAFF.email, STAFF.password, app.base);
  const queued = await staff.post(`/api/v1/staff/devices/${device.credential!.deviceId}/commands`, {
    data: { type: "identify" },
  });
  expect(queued.status()).toBe(201);
  const cmd = await queued.json();
  expect(Date.parse(cmd.expiresAt) - Date.parse(cmd.issuedAt)).toBe(3000);

  const listed = await device.signed("GET", "/api/v1/devices/me");
  expect((listed.body as { commands: { id: string; expiresAt: string }[] }).commands).toEqual([
    expect.objectContaining({ id: cmd.id, type: "identify", expiresAt: expect.stringMatching(/Z$/) }),
  ]);
  await expect
    .poll(async () => ((await device.signed("GET", "/api/v1/devices/me")).body as { commands: unknown[] }).commands, {
      timeout: 15_000,
    })
    .toEqual([]);
  const ack = await device.signed("POST", `/api/v1/devices/me/commands/${cmd.id}`, JSON.stringify({ status: "done" }));
  expect(ack.status).toBe(409);
  expect((ack.body as { code: string }).code).toBe("command_expired");

  await page.goto(`${app.base}/sign-in`);
  await page.getByLabel("Email").fill(STAFF.email);
  await page.getByLabel("Password").fill(STAFF.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/(devices|staff\/accounts)$/);
  await page.goto(`${app.base}/staff/devices?q=${device.credential!.deviceId}`);
  await expect(
    page.locator(`tr[data-device-id="${device.credential!.deviceId}"] [data-testid="last-command"]`),
  ).toHaveText(/identify:?\s*expired/);
  await page.goto(`${app.base}/staff/keys`);
  await expect(page.getByTestId("server-keys")).toContainText(pins[0]);
});
