// npm run bench:web -- [--runs N]
//
// Starts the built app on a fresh embedded database and prints (1) the claim page's
// first-load JavaScript, gzip bytes, and (2) the time from the first camera frame, which
// already shows the device's QR, to the claim request, measured in headless Chromium with a
// fake camera. Run `npm run build` first.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { chromium } from "@playwright/test";
import { DeviceClient } from "../device/client";
import { CAMERA_FILE, showOnCamera } from "../e2e/fake-camera";

const runsArg = process.argv.indexOf("--runs");
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 5;
const PORT = Number(process.env.E2E_PORT ?? 3291); // E2E_PORT: a port of your own on a shared machine
const BASE = `http://localhost:${PORT}`;
const root = path.resolve(import.meta.dirname, "..");
const STAFF = { email: "bench@bench.example.org", password: "bench password 123" };
const BUDGET = 200 * 1024;

async function main() {
  showOnCamera("https://example.com/warm-up");
  const browser = await chromium.launch({
    executablePath: ["/usr/bin/chromium"].find((p) => existsSync(p)),
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--no-first-run",
      "--use-fake-ui-for-media-stream",
      "--use-fake-device-for-media-stream",
      `--use-file-for-fake-video-capture=${CAMERA_FILE}`,
    ],
  });
  const server = spawn(process.execPath, [path.join(root, "scripts/e2e-server.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      E2E_PORT: String(PORT),
      E2E_STAFF_EMAIL: STAFF.email,
      E2E_STAFF_PASSWORD: STAFF.password,
      DATABASE_URL: "",
    },
    stdio: "ignore",
  });
  try {
    for (let i = 0; ; i++) {
      if (
        await fetch(`${BASE}/api/health`)
          .then((r) => r.ok)
          .catch(() => false)
      )
        break;
      if (i > 900) throw new Error("the app did not start; run `npm run build` first");
      await new Promise((r) => setTimeout(r, 200));
    }

    // 1. First-load JavaScript of /claim: every script the page's HTML loads.
    const html = await (await fetch(`${BASE}/claim`)).text();
    const srcs = [...new Set([...html.matchAll(/<script[^>]+src="([^"]+)"/g)].map((m) => m[1]))];
    let raw = 0;
    let gz = 0;
    for (const src of srcs) {
      const body = Buffer.from(await (await fetch(new URL(src, BASE))).arrayBuffer());
      raw += body.length;
      gz += gzipSync(body).length;
    }
    const inline = [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].reduce(
      (n, m) => n + gzipSync(m[1]).length,
      0,
    );

    // 2. Camera frame with the QR on screen -> claim request, in a signed-in page.
    const context = await browser.newContext({ baseURL: BASE, permissions: ["camera"] });
    const page = await context.newPage();
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(STAFF.email);
    await page.getByLabel("Password").fill(STAFF.password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL(/\/staff\/accounts$/);
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const device = new DeviceClient(BASE, null, { model: "bench-room" });
      await device.startSession();
      void device.poll(25).catch(() => {});
      showOnCamera(device.currentQr().text);
      const sent = page.waitForRequest((r) => r.url().endsWith("/api/v1/claims") && r.method() === "POST");
      await page.goto("/claim");
      await sent;
      // A string, not a function: tsx would add helpers the page does not have.
      const markAt = (name: string) => `performance.getEntriesByName("claimlink:${name}", "mark")[0].startTime`;
      const ms = (await page.evaluate(`${markAt("claim-sent")} - ${markAt("camera-playing")}`)) as number;
      times.push(ms);
    }
    times.sort((a, b) => a - b);

    console.log(
      `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "?"}), Node ${process.version}, Chromium ${browser.version()}`,
    );
    const kB = (bytes: number) => (bytes / 1024).toFixed(1);
    const budget = `budget ${BUDGET / 1024} kB: ${gz <= BUDGET ? "within" : "OVER"}`;
    console.log(
      `claim page first-load JS: ${kB(gz)} kB gzip (${kB(raw)} kB raw, ${srcs.length} scripts); inline payload ${kB(inline)} kB gzip; ${budget}`,
    );
    const ms = (t: number) => `${t.toFixed(0)} ms`;
    const spread = `median ${ms(times[Math.floor(times.length / 2)])}, min ${ms(times[0])}, max ${ms(times[times.length - 1])}`;
    console.log(`QR frame on screen -> claim request: ${spread} (${RUNS} runs; includes loading the decoder)`);
    if (gz > BUDGET) process.exitCode = 1;
  } finally {
    await browser.close();
    server.kill("SIGTERM");
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
