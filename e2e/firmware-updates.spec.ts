import { spawn } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test, type APIRequestContext } from "@playwright/test";
import { DeviceClient, type Credential } from "../device/client";
import { startTamperingMirror } from "../device/updater";
import { BASE, claimDevice, newParticipant, staffApi } from "./api";
import { startMitm } from "./mitm";
import { signTestImage, TEST_FIRMWARE_PUBLIC_KEY, uploadFirmware } from "./firmware-upload";

// Firmware updates end to end (docs/protocol.md section 7) with `npm run device`: staff upload
// an image signed by the test firmware key, send it to one device from the API its page uses,
// and the simulator checks, downloads (resuming with Range), reboots and acknowledges. Each
// refusal of section 7 ends as a failed command whose code staff see; a command rewritten in
// transit is refused by a pinned device; the server never sends another model's image.

/** The test firmware key of docs/protocol.md's vectors: CLAIMLINK_FIRMWARE_KEYS of the e2e server. */
const FW_PUBLIC = TEST_FIRMWARE_PUBLIC_KEY;
const signImage = signTestImage;
/** A firmware key the server accepts nothing from, pinned by a device of another maker. */
const otherKey = generateKeyPairSync("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" }) as {
  x: string;
  y: string;
};
const OTHER_PUBLIC = Buffer.concat([
  Buffer.from([4]),
  Buffer.from(otherKey.x, "base64url"),
  Buffer.from(otherKey.y, "base64url"),
]).toString("base64url");

type Update = { commandId: string; status: string; failureCode: string | null; reportedFirmware: string | null };

test.describe.configure({ timeout: 120_000 });

let staff: APIRequestContext;
const model = `fwe-${randomBytes(4).toString("hex")}`;
const otherModel = `fwe-${randomBytes(4).toString("hex")}`;
const image = new Uint8Array(randomBytes(150_000));
let sha256 = "";
let otherSha = "";

test.beforeAll(async () => {
  staff = await staffApi();
  for (const m of [model, otherModel]) {
    const r = await staff.post("/api/v1/staff/models", { data: { model: m, displayName: `E2E ${m}` } });
    expect(r.status(), await r.text()).toBe(200);
  }
  sha256 = await uploadFirmware(staff, { model, version: "1.5.0", sig: signImage(model, "1.5.0", image), image });
  const other = new Uint8Array(randomBytes(5000));
  otherSha = await uploadFirmware(staff, {
    model: otherModel,
    version: "9.0.0",
    sig: signImage(otherModel, "9.0.0", other),
    image: other,
  });
});

/** A device of `model` running 1.4.2, claimed by a new participant; its simulator state file. */
async function claimedDevice(tag: string) {
  const { api } = await newParticipant(tag);
  const device = new DeviceClient(BASE, null, { model, firmware: "1.4.2" });
  const { deviceId, credential } = await claimDevice(api, {}, { device });
  const dir = mkdtempSync(path.join(tmpdir(), "claimlink-fw-"));
  const stateFile = path.join(dir, "device.json");
  writeFileSync(stateFile, JSON.stringify({ server: BASE, credential, outbox: [], firmware: "1.4.2" }), {
    mode: 0o600,
  });
  return { deviceId, credential: credential as Credential, stateFile, api };
}

/** `npm run device` on a claimed device's state file, until it has handled one update (or `until`). */
function simulator(stateFile: string, extra: string[], m = model) {
  const child = spawn(
    process.execPath,
    [
      path.resolve("node_modules/tsx/dist/cli.mjs"),
      "device/simulator.ts",
      ...["--server", BASE, "--state", stateFile, "--interval", "1", "--model", m, "--firmware", "1.4.2"],
      ...extra,
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((r) => child.on("exit", (code) => r(code)));
  return {
    child,
    output: () => out,
    async done(ms = 60_000) {
      const t = setTimeout(() => child.kill(), ms);
      const code = await exited;
      clearTimeout(t);
      return code;
    },
  };
}

async function send(deviceId: string, image = sha256) {
  return staff.post(`/api/v1/staff/devices/${deviceId}/firmware-update`, { data: { sha256: image, expiresInDays: 1 } });
}

async function updates(deviceId: string): Promise<Update[]> {
  const r = await staff.get(`/api/v1/staff/devices/${deviceId}/firmware-updates`);
  expect(r.status()).toBe(200);
  return (await r.json()).updates;
}

/** Sends the image, runs the simulator with `flags` until it handled it; the update as staff see it. */
async function updateWith(d: { deviceId: string; stateFile: string }, flags: string[], m = model) {
  expect((await send(d.deviceId)).status()).toBe(201);
  const sim = simulator(d.stateFile, ["--exit-after-update", ...flags], m);
  const code = await sim.done();
  expect(code, sim.output()).toBe(0);
  return { update: (await updates(d.deviceId))[0], output: sim.output() };
}

test("an update from upload to done with the simulator: checked, downloaded, rebooted, acknowledged with the new version", async () => {
  const d = await claimedDevice("fw-done");
  const { update, output } = await updateWith(d, ["--firmware-key", FW_PUBLIC]);
  expect(output).toContain("Updating 1.4.2 -> 1.5.0 (150000 bytes).");
  expect(output).toContain("Now running 1.5.0; marked good.");
  expect(update).toMatchObject({ status: "done", failureCode: null, reportedFirmware: "1.5.0", fromVersion: "1.4.2" });
  expect(readFileSync(`${d.stateFile}.partition`).equals(Buffer.from(image))).toBe(true);
  expect(JSON.parse(readFileSync(d.stateFile, "utf8")).firmware).toBe("1.5.0");

  // The device record shows the running firmware and the history, to staff and to the owner.
  const staffPage = await (await staff.get(`/staff/devices/${d.deviceId}`)).text();
  expect(staffPage).toMatch(/data-testid="running-firmware">1\.5\.0</);
  expect(staffPage).toContain(`data-command-id="${update.commandId}" data-status="done"`);
  const ownerPage = await (await d.api.get(`/devices/${d.deviceId}`)).text();
  expect(ownerPage).toMatch(/firmware (<!-- -->)?1\.5\.0/); // the header; the Firmware tab's history is in the payload
  expect(ownerPage).toContain(update.commandId);

  // in_progress after done is refused (command_settled), and the command stays done.
  const dev = new DeviceClient(BASE, d.credential, { model, firmware: "1.5.0" });
  const late = await dev.signed(
    "POST",
    `/api/v1/devices/me/commands/${update.commandId}`,
    JSON.stringify({ status: "in_progress", detail: "again" }),
  );
  expect(late.status).toBe(409);
  expect(late.body).toMatchObject({ code: "command_settled" });
  expect((await updates(d.deviceId))[0].status).toBe("done");

  // The same image again: the device runs 1.5.0 already, so it is a downgrade.
  const again = await updateWith(d, ["--firmware-key", FW_PUBLIC]);
  expect(again.update).toMatchObject({ status: "failed", failureCode: "downgrade", reportedFirmware: "1.5.0" });
});

test("an interrupted download resumes with Range and ends done", async () => {
  const d = await claimedDevice("fw-resume");
  const { update, output } = await updateWith(d, ["--firmware-key", FW_PUBLIC, "--interrupt-download", "40000"]);
  expect(output).toContain("download cut after 40000 bytes");
  expect(output).toContain("Resuming the download at byte 40000 (206).");
  expect(update).toMatchObject({ status: "done", reportedFirmware: "1.5.0" });
  expect(readFileSync(`${d.stateFile}.partition`).equals(Buffer.from(image))).toBe(true);
});

test("each refusal of section 7 ends as a failed command whose code staff see", async () => {
  const d = await claimedDevice("fw-refusals");
  const mirror = await startTamperingMirror(`${BASE}/api/v1/firmware`);
  const cases: [string, string[], string?][] = [
    ["wrong_model", ["--firmware-key", FW_PUBLIC], otherModel], // a board flashed as another model
    ["bad_signature", ["--firmware-key", OTHER_PUBLIC]], // signed by a key this device does not pin
    ["downgrade", ["--firmware-key", FW_PUBLIC, "--firmware", "1.6.0"]],
    ["too_large", ["--firmware-key", FW_PUBLIC, "--partition-bytes", "100000"]],
    ["hash_mismatch", ["--firmware-key", FW_PUBLIC, "--mirror", mirror.url]],
    ["rolled_back", ["--firmware-key", FW_PUBLIC, "--fail-update", "rollback"]],
  ];
  try {
    for (const [code, flags, m] of cases) {
      // --firmware is the image it was built as; the saved running version wins (1.4.2 here) unless a case sets it.
      if (code === "downgrade") {
        const state = JSON.parse(readFileSync(d.stateFile, "utf8"));
        writeFileSync(d.stateFile, JSON.stringify({ ...state, firmware: "1.6.0" }));
      }
      const { update, output } = await updateWith(d, flags, m);
      expect(update, output).toMatchObject({ status: "failed", failureCode: code });
      if (code === "downgrade") {
        const state = JSON.parse(readFileSync(d.stateFile, "utf8"));
        writeFileSync(d.stateFile, JSON.stringify({ ...state, firmware: "1.4.2" }));
      }
    }
  } finally {
    await mirror.close();
  }
  const page = await (await staff.get(`/staff/devices/${d.deviceId}`)).text();
  for (const [code] of cases) expect(page).toContain(code);
  // A rollback reports the version still running.
  expect((await updates(d.deviceId)).find((u) => u.failureCode === "rolled_back")?.reportedFirmware).toBe("1.4.2");

  // bad_signature is an alarm: on every console page until staff acknowledge it.
  const alarms = await (await staff.get("/api/v1/staff/firmware/alarms")).json();
  const alarm = alarms.alarms.find((a: { deviceId: string }) => a.deviceId === d.deviceId);
  expect(alarm).toBeTruthy();
  expect(await (await staff.get("/staff/devices")).text()).toContain("refused a firmware update&#x27;s signature");
  expect((await staff.post(`/api/v1/staff/firmware/alarms/${alarm.commandId}/acknowledge`)).status()).toBe(200);
  const after = await (await staff.get("/api/v1/staff/firmware/alarms")).json();
  expect(after.alarms.some((a: { deviceId: string }) => a.deviceId === d.deviceId)).toBe(false);
});

test("the server never sends an image of another model; a command rewritten in transit is refused by a pinned device", async () => {
  const d = await claimedDevice("fw-mitm");
  const refused = await send(d.deviceId, otherSha);
  expect(refused.status()).toBe(409);
  expect((await refused.json()).code).toBe("firmware_model_mismatch");
  expect(await updates(d.deviceId)).toEqual([]);

  // Someone in the middle points the command at their own image: the answer's MAC and signature
  // no longer check, so the pinned device acts on none of it and the command stays queued.
  const keys = (await (await fetch(`${BASE}/.well-known/claimlink`)).json()).keys as { publicKey: string }[];
  const mitm = await startMitm(BASE, (req, res) =>
    req.path === "/api/v1/devices/me" && res.body.includes("update_firmware")
      ? { ...res, body: res.body.replace(/"url":"[^"]*"/, '"url":"http://203.0.113.9/evil.bin"') }
      : null,
  );
  try {
    expect((await send(d.deviceId)).status()).toBe(201);
    const sim = simulator(d.stateFile, [
      "--firmware-key",
      FW_PUBLIC,
      "--connect",
      mitm.url,
      ...keys.flatMap((k) => ["--pin", k.publicKey]),
    ]);
    const t0 = Date.now();
    while (!/Ignored an answer that is not the server's/.test(sim.output()) && Date.now() - t0 < 30_000)
      await new Promise((r) => setTimeout(r, 200));
    sim.child.kill();
    await sim.done();
    expect(sim.output()).toContain("Ignored an answer that is not the server's");
    expect(sim.output()).not.toContain("Updating 1.4.2");
    expect((await updates(d.deviceId))[0]).toMatchObject({ status: "queued", failureCode: null });
  } finally {
    await mitm.close();
  }
});
