import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { generate } from "otplib";

// The README's quick start as a newcomer runs it: `npm start` on a fresh data directory (the
// embedded database, production mode, nothing configured), the banner's steps followed as
// written, then a device claimed from /emulator. On the embedded database only.
test.skip(!!process.env.DATABASE_URL, "the first run is on the embedded database");

const PORT = Number(process.env.E2E_PORT ?? 3100) + 9;
const LOCAL = `http://localhost:${PORT}`;

/** `npm start` with nothing set but the port and a fresh data directory. */
function npmStart(dataDir: string) {
  const env = {} as NodeJS.ProcessEnv;
  for (const [k, v] of Object.entries(process.env))
    if (!/^(CLAIMLINK_|AUTH_|DATABASE_URL$|NODE_ENV$|E2E_)/.test(k)) env[k] = v;
  Object.assign(env, { PORT: String(PORT), CLAIMLINK_DATA_DIR: dataDir });
  const child = spawn("npm", ["start", "--silent"], { env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  let out = "";
  child.stdout!.on("data", (d) => (out += d));
  child.stderr!.on("data", (d) => (out += d));
  const waitFor = async (re: RegExp, ms = 120_000) => {
    const t0 = Date.now();
    while (Date.now() - t0 < ms) {
      const m = out.match(re);
      if (m) return m;
      if (child.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`npm start never printed ${re}:\n${out.slice(-3000)}`);
  };
  return { child, env, waitFor, output: () => out };
}

async function stop(child: ChildProcess) {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  process.kill(-child.pid!, "SIGTERM"); // npm and the app it started
  await exited;
}

test("first run: npm start, the banner's steps as written, then a device claimed from /emulator", async ({
  browser,
}) => {
  test.setTimeout(240_000);
  const dataDir = mkdtempSync(path.join(tmpdir(), "claimlink-first-run-"));
  let app = npmStart(dataDir);
  try {
    await app.waitFor(new RegExp(`Claimlink is running at ${LOCAL} on the embedded database`));
    // Step 1 of the banner: the command to create the first staff account, and what sign-in asks.
    const banner = await app.waitFor(/then sign in at .*\n/);
    const command = app.output().match(/^ {2}(npm run cli -- users add .*)$/m)?.[1];
    expect(command).toBe('npm run cli -- users add you@example.org --name "Your Name" --role staff');
    expect(banner[0]).toContain(`${LOCAL}/sign-in`);
    expect(app.output()).toContain("Staff set up two-factor sign-in (an authenticator app) when they first sign in.");

    const password = "first run password 1";
    const cli = spawnSync("sh", ["-c", command!], {
      env: { ...app.env, CLAIMLINK_PASSWORD: password },
      encoding: "utf8",
    });
    expect(cli.status, cli.stderr).toBe(0);

    // Step 2: sign in; staff are asked to set up two-factor first, as the banner said.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${LOCAL}/sign-in`);
    await page.getByLabel("Email").fill("you@example.org");
    await page.getByLabel("Password").fill(password);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(`${LOCAL}/account/security`);
    await expect(page.getByTestId("must-enrol")).toBeVisible();
    await page.getByRole("button", { name: "Set up two-factor sign-in" }).click();
    const secret = (await page.getByTestId("totp-secret").textContent())!.trim();
    await page.getByLabel("Code from the app").fill(await generate({ secret }));
    await page.getByRole("button", { name: "Switch on" }).click();
    const recovery = (await page.getByTestId("recovery-codes").locator("li").first().textContent())!.trim();
    await page.getByRole("button", { name: "I have saved them" }).click();

    // Restarted, the banner no longer repeats step 1: it says how to try a claim.
    await stop(app.child);
    app = npmStart(dataDir);
    await app.waitFor(/run a simulated device in another terminal: npm run device -- --server .*\n/);
    expect(app.output()).not.toContain("Create the first staff account");
    expect(app.output()).toContain(`open ${LOCAL}/emulator`);

    // Step 3, as the banner says: /emulator, and its code typed on the claim page.
    const emulator = await (await browser.newContext()).newPage();
    await emulator.goto(`${LOCAL}/emulator`);
    const code = await emulator.getByTestId("emulator-code").getAttribute("data-code");
    await page.goto(`${LOCAL}/claim`);
    await expect(page.getByTestId("camera-error")).toBeVisible(); // no camera here: typing is open
    await page.getByLabel("Code under the QR").fill(code!);
    await page.getByRole("button", { name: "Claim", exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`${LOCAL}/devices/dev_[A-Z2-7]{16}$`));
    await expect(emulator.getByTestId("emulator-claimed")).toBeVisible();

    // The address the app listens on works as well as localhost: a write from 127.0.0.1.
    const other = await (await browser.newContext()).newPage();
    await other.goto(`http://127.0.0.1:${PORT}/sign-in`);
    await other.getByLabel("Email").fill("you@example.org");
    await other.getByLabel("Password").fill(password);
    await other.getByRole("button", { name: "Sign in" }).click();
    await other.getByLabel("Code from your authenticator app").fill(recovery);
    await other.getByRole("button", { name: "Continue" }).click();
    await other.goto(`http://127.0.0.1:${PORT}/account`);
    await other.getByRole("button", { name: "Save notice settings" }).click();
    await expect(other.getByTestId("notice-settings-message")).toHaveText("Notice settings saved.");
  } finally {
    await stop(app.child);
    rmSync(dataDir, { recursive: true, force: true });
  }
});
