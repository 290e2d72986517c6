import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "@playwright/test";
import type { RunningDevice } from "../firmware/scripts/e2e.mjs";
import { BASE, staffApi } from "./api";
import { signTestImage, TEST_FIRMWARE_PUBLIC_KEY, uploadFirmware } from "./firmware-upload";
import { uniqueEmail } from "./helpers";

// (1.2) The C example device (firmware/examples/claimlink-device) takes a firmware update from
// the running app (docs/protocol.md section 7): staff upload an image signed by the test firmware
// key and send it to the device; the device checks it against the firmware key it pins,
// downloads it in Range requests into the file standing for its update partition, "reboots"
// into it (re-executes itself), completes a signed request and acknowledges done with the new
// version. Needs a C toolchain, like e2e/firmware.spec.ts. Not under valgrind: the "reboot"
// re-executes the program, which valgrind does not follow (firmware/scripts/update-test.mjs runs
// the update's checks and download under it; e2e/firmware.spec.ts the rest of the device).

type DeviceE2E = typeof import("../firmware/scripts/e2e.mjs");
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
const missing = [
  ...(has("cmake") ? [] : ["cmake"]),
  ...(has("cc") ? [] : ["gcc"]),
  ...(has("make") ? [] : ["make"]),
  ...(has("pkg-config") ? [] : ["pkgconf"]),
  ...(existsSync("/usr/include/mbedtls/sha256.h") ? [] : ["libmbedtls-dev"]),
  ...(existsSync("/usr/include/qrencode.h") ? [] : ["libqrencode-dev"]),
];
const valgrind = false;
const slow = 1;
const port = new URL(BASE).port;
const dataDir = process.env.DATABASE_URL ? undefined : path.resolve("e2e", ".tmp", `data-${port}`);

const FW_PUBLIC = TEST_FIRMWARE_PUBLIC_KEY;
const signImage = signTestImage;

test.describe("the C example device takes a firmware update", () => {
  test.skip(missing.length > 0, `needs the Debian packages ${missing.join(" ")} to build firmware/`);
  test.describe.configure({ timeout: 240_000 });

  let fw: DeviceE2E;
  let bin = "";
  let pins: string[] = [];
  const work: string[] = [];
  const running: RunningDevice[] = [];
  test.beforeAll(async () => {
    fw = await import(pathToFileURL(path.resolve("firmware", "scripts", "e2e.mjs")).href);
    bin = fw.buildDevice(path.resolve("firmware", "build-e2e"));
    pins = await fw.publishedPins(BASE);
  });
  test.afterEach(async () => {
    for (const d of running.splice(0)) await d.stop();
    for (const w of work.splice(0)) rmSync(w, { recursive: true, force: true });
  });

  test("(1.2) from upload to done: checked, downloaded into its partition file, rebooted into and acknowledged", async () => {
    const staff = await staffApi();
    const model = `fwc-${randomBytes(4).toString("hex")}`;
    expect((await staff.post("/api/v1/staff/models", { data: { model, displayName: `E2E ${model}` } })).status()).toBe(
      200,
    );
    const image = new Uint8Array(randomBytes(100_000)); // more than three of the device's 32 KiB Range requests
    const sha256 = await uploadFirmware(staff, {
      model,
      version: "1.5.0",
      sig: signImage(model, "1.5.0", image),
      image,
    });

    const account = fw.createAccount({
      appDir: path.resolve("."),
      base: BASE,
      dataDir,
      email: uniqueEmail("fwc"),
      role: "participant",
      password: "firmware pw 123",
    });
    const api = await fw.signIn(BASE, account);
    const dir = mkdtempSync(path.join(tmpdir(), "claimlink-fwc-"));
    work.push(dir);
    const state = path.join(dir, "state");
    const d = fw.startDevice({
      bin,
      args: [
        ...["--state", state, "--interval", "1", "--no-qr-art", "--server", BASE],
        ...["--model", model, "--firmware", "1.4.2", "--firmware-key", FW_PUBLIC],
        ...pins.flatMap((k) => ["--pin", k]),
      ],
      valgrind,
      echo: false,
    });
    running.push(d);
    const [, qr] = await d.waitFor(/^QR: (\S+)$/, 20_000 * slow, "the QR line");
    const deviceId = await fw.claimFromQr(api, BASE, qr);
    await d.waitFor(/Sent 3 readings: 3 accepted/, 20_000 * slow, "the first readings");

    const sent = await staff.post(`/api/v1/staff/devices/${deviceId}/firmware-update`, {
      data: { sha256, expiresInDays: 1 },
    });
    expect(sent.status()).toBe(201);
    const { commandId } = await sent.json();
    await d.waitFor(
      /^Update to 1\.5\.0 checked \(signed by firmware key 09e17ad8d663a41e\)/,
      20_000 * slow,
      "the check",
    );
    await d.waitFor(/^Rebooting into firmware 1\.5\.0\.$/, 30_000 * slow, "the reboot");
    await d.waitFor(/^Booted firmware 1\.5\.0 on trial \(was 1\.4\.2\)\.$/, 30_000 * slow, "the new image's boot");
    await d.waitFor(
      new RegExp(`^Acknowledged the update 1\\.5\\.0 \\(${commandId}\\): running 1\\.5\\.0\\.$`),
      30_000 * slow,
      "the acknowledgement",
    );
    expect(readFileSync(`${state}.ota`).equals(Buffer.from(image))).toBe(true);

    const r = await staff.get(`/api/v1/staff/devices/${deviceId}/firmware-updates`);
    const [update] = (await r.json()).updates;
    expect(update).toMatchObject({
      commandId,
      fromVersion: "1.4.2",
      toVersion: "1.5.0",
      status: "done",
      reportedFirmware: "1.5.0",
    });
    const page = await (await staff.get(`/staff/devices/${deviceId}`)).text();
    expect(page).toMatch(/data-testid="running-firmware">1\.5\.0</);
    const exit = await d.stop();
    expect(exit.code, "exit code").toBe(0);
  });
});
