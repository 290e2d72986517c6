import { existsSync } from "node:fs";
import { defineConfig } from "@playwright/test";
import { CAMERA_FILE, showOnCamera } from "./e2e/fake-camera";
import { withTestKeys } from "./scripts/test-keys.mjs";

// The suite's fixed keys, for every process it starts (the server, the CLI, a second app).
Object.assign(process.env, withTestKeys(process.env));

const port = Number(process.env.E2E_PORT ?? 3100);
// The system Chromium where there is one (Debian's package); Playwright's own browser elsewhere.
const systemChromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
const chromiumArgs = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];
showOnCamera("https://example.com/nothing-yet"); // the fake camera's file must exist when Chromium starts

// The real camera path: Chromium's fake capture device plays e2e/.tmp/camera.y4m.
const cameraProject = () => ({
  name: "camera",
  testMatch: /camera\.spec\.ts/,
  use: {
    permissions: ["camera"],
    launchOptions: {
      executablePath: systemChromium,
      args: [
        ...chromiumArgs,
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        `--use-file-for-fake-video-capture=${CAMERA_FILE}`,
      ],
    },
  },
});

export default defineConfig({
  testDir: "e2e",
  // The screenshot run keeps its own output, so it can run beside the suite.
  outputDir: process.env.SCREENSHOTS ? "e2e/.tmp/screenshot-results" : "test-results",
  timeout: 60_000,
  expect: { timeout: 10_000 },
  workers: 1,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://localhost:${port}`,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: { executablePath: systemChromium, args: chromiumArgs },
  },
  projects: [
    // `npm run screenshots` (SCREENSHOTS=1) runs only the screenshot project; `npm test` never does.
    ...(process.env.SCREENSHOTS
      ? [{ name: "screenshots", testMatch: /screenshots\.spec\.ts/ }]
      : [{ name: "main", testIgnore: /(camera|screenshots)\.spec\.ts/ }]),
    ...(process.env.SCREENSHOTS ? [] : [cameraProject()]),
  ],
  webServer: {
    command: "node scripts/e2e-server.mjs",
    url: `http://127.0.0.1:${port}/api/health`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: "pipe",
    stderr: "pipe",
    env: { E2E_PORT: String(port) },
  },
});
