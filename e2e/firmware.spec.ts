import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { expect, test } from "@playwright/test";
import type { RunningDevice } from "../firmware/scripts/e2e.mjs";
import { BASE } from "./api";
import { STAFF, uniqueEmail } from "./helpers";
import { startMitm } from "./mitm";

// The C device client (firmware/) against this suite's server, with the server's published keys
// pinned (docs/protocol.md section 6): it claims, reports, runs commands and re-provisions, and
// refuses what a machine in the middle rewrites. Under valgrind when it is installed, so a leak
// or an invalid access fails the test. Needs a C toolchain; skipped with the packages to install
// on a machine without one, so `npm test` still runs on bare Node.

type DeviceE2E = typeof import("../firmware/scripts/e2e.mjs");

const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`], { stdio: "ignore" }).status === 0;
/** The Debian packages firmware/ needs to build claimlink-device with mbedTLS. */
const missing = [
  ...(has("cmake") ? [] : ["cmake"]),
  ...(has("cc") ? [] : ["gcc"]),
  ...(has("make") ? [] : ["make"]),
  ...(has("pkg-config") ? [] : ["pkgconf"]),
  ...(existsSync("/usr/include/mbedtls/sha256.h") ? [] : ["libmbedtls-dev"]),
  ...(existsSync("/usr/include/qrencode.h") ? [] : ["libqrencode-dev"]),
];
const valgrind = has("valgrind");
const port = new URL(BASE).port;
// The CLI that creates accounts reaches the app's embedded database through its data directory.
const dataDir = process.env.DATABASE_URL ? undefined : path.resolve("e2e", ".tmp", `data-${port}`);
const appDir = path.resolve(".");
const slow = valgrind ? 3 : 1;

test.describe("the C device (firmware/claimlink-device)", () => {
  test.skip(
    missing.length > 0,
    `needs the Debian packages ${missing.join(" ")} (apt-get install -y ${missing.join(" ")}) to build firmware/`,
  );
  test.describe.configure({ timeout: 180_000 });

  let fw: DeviceE2E;
  let bin = "";
  let pins: string[] = [];
  test.beforeAll(async () => {
    // A dynamic import: Playwright's transform would turn a static import of an .mjs into CommonJS.
    fw = await import(pathToFileURL(path.resolve("firmware", "scripts", "e2e.mjs")).href);
    bin = fw.buildDevice(path.resolve("firmware", "build-e2e"));
    pins = await fw.publishedPins(BASE); // what firmware would copy at build time (section 6)
  });

  const work: string[] = [];
  const running: RunningDevice[] = [];
  test.afterEach(async () => {
    for (const d of running.splice(0)) await d.stop();
    for (const w of work.splice(0)) rmSync(w, { recursive: true, force: true });
  });

  function device(args: string[]) {
    const dir = mkdtempSync(path.join(tmpdir(), "claimlink-fw-"));
    work.push(dir);
    const d = fw.startDevice({
      bin,
      args: ["--state", path.join(dir, "state"), "--interval", "1", "--no-qr-art", ...args],
      valgrind,
      echo: false,
    });
    running.push(d);
    return { d, state: path.join(dir, "state") };
  }

  async function owner() {
    const account = fw.createAccount({
      appDir,
      base: BASE,
      dataDir,
      email: uniqueEmail("fw"),
      role: "participant",
      password: "firmware pw 123",
    });
    return fw.signIn(BASE, account);
  }

  async function expectCleanExit(d: RunningDevice) {
    const exit = await d.stop();
    expect(exit.code, valgrind ? "valgrind reports no leak or invalid access (99)" : "exit code").toBe(0);
  }

  test("claims from its printed QR, sends signed readings, acknowledges commands and re-provisions, every answer's signature verified", async () => {
    const r = await fw.runDeviceE2E({ base: BASE, dataDir, appDir, pins, bin, valgrind, staff: STAFF, echo: false });
    expect(r.deviceId).toMatch(/^dev_/);
    expect(r.pins).toBeGreaterThan(0);
  });

  test("a pinned device refuses a session answer whose claimUrl a machine in the middle rewrote, and shows no QR", async () => {
    const evil = "http://claimlink.evil.example/claim";
    const mitm = await startMitm(BASE, (req, res) =>
      req.method === "POST" && req.path === "/api/v1/provisioning/sessions" && res.status === 201
        ? { ...res, body: JSON.stringify({ ...JSON.parse(res.body), claimUrl: evil }) }
        : null,
    );
    try {
      const { d } = device(["--server", BASE, "--connect", mitm.url, ...pins.flatMap((k) => ["--pin", k])]);
      // The rewritten body no longer matches the server's signature: refused before it is read.
      for (let i = 0; i < 2; i++)
        await d.waitFor(
          /^Not acting on the answer to POST \/api\/v1\/provisioning\/sessions: proof, MAC or signature does not check\.$/,
          15_000 * slow,
          "the refusal of the rewritten session answer",
        );
      expect(mitm.seen.filter((s) => s.path === "/api/v1/provisioning/sessions").length).toBeGreaterThanOrEqual(2);
      expect(d.lines.filter((l) => l.startsWith("QR:"))).toEqual([]);
      expect(d.lines.filter((l) => l.includes("evil.example"))).toEqual([]);
      await expectCleanExit(d);
    } finally {
      await mitm.close();
    }
  });

  test("without pins, the device still refuses a rewritten claimUrl: it draws the QR from its own origin", async () => {
    const mitm = await startMitm(BASE, (req, res) =>
      req.method === "POST" && req.path === "/api/v1/provisioning/sessions" && res.status === 201
        ? { ...res, body: JSON.stringify({ ...JSON.parse(res.body), claimUrl: "http://claimlink.evil.example/claim" }) }
        : null,
    );
    try {
      const { d } = device(["--server", BASE, "--connect", mitm.url]);
      await d.waitFor(
        new RegExp(`^Refusing the session: its claimUrl is not ${BASE}/claim`),
        15_000 * slow,
        "the claimUrl refusal",
      );
      expect(d.lines.filter((l) => l.startsWith("QR:"))).toEqual([]);
      await expectCleanExit(d);
    } finally {
      await mitm.close();
    }
  });

  test("readings whose answer was lost stay in the outbox, survive a restart, and are sent again without doubling", async () => {
    let loseAnswers = false;
    const mitm = await startMitm(BASE, (req) =>
      loseAnswers && req.path === "/api/v1/devices/me/measurements"
        ? { status: 502, headers: { "content-type": "text/plain" }, body: "bad gateway" } // the server did store them
        : null,
    );
    try {
      const api = await owner();
      const args = ["--server", BASE, "--connect", mitm.url, ...pins.flatMap((k) => ["--pin", k])];
      const first = device(args);
      const [, qr] = await first.d.waitFor(/^QR: (\S+)$/, 20_000 * slow, "the QR line");
      const deviceId = await fw.claimFromQr(api, BASE, qr);
      await first.d.waitFor(/Sent 3 readings: 3 accepted, 0 duplicates/, 20_000 * slow, "the first readings");

      loseAnswers = true;
      await first.d.waitFor(
        /^Not acting on the answer 502 to POST \/api\/v1\/devices\/me\/measurements/,
        20_000 * slow,
        "a lost answer",
      );
      const [, kept] = await first.d.waitFor(/^Keeping (\d+) readings to send again\.$/, 10_000 * slow, "kept");
      expect(Number(kept)).toBeGreaterThanOrEqual(3);
      await expectCleanExit(first.d);

      // Restarted from its state file: the unsent readings are still there.
      loseAnswers = false;
      const second = fw.startDevice({
        bin,
        args: ["--state", first.state, "--interval", "1", "--no-qr-art", ...args],
        valgrind,
        echo: false,
      });
      running.push(second);
      const [, unsent] = await second.waitFor(
        new RegExp(`^Credential crd_\\S+ for device ${deviceId} loaded from .* \\((\\d+) unsent readings\\)\\.$`),
        10_000 * slow,
        "the saved outbox",
      );
      expect(Number(unsent)).toBeGreaterThanOrEqual(Number(kept));
      // The server already stored what it answered before the answer was lost: it counts those
      // as duplicates (section 4), so nothing is lost and nothing is stored twice.
      const [, sent, accepted, duplicates] = await second.waitFor(
        /Sent (\d+) readings: (\d+) accepted, (\d+) duplicates, 0 rejected/,
        20_000 * slow,
        "the resend",
      );
      expect(Number(sent)).toBe(Number(unsent) + 3);
      expect(Number(duplicates)).toBeGreaterThanOrEqual(Number(unsent));
      expect(Number(accepted) + Number(duplicates)).toBe(Number(sent));
      await second.waitFor(/Sent 3 readings: 3 accepted, 0 duplicates/, 20_000 * slow, "the next readings");
      await expectCleanExit(second);
    } finally {
      await mitm.close();
    }
  });
});
