// The server the Playwright suite runs against: a fresh embedded database (or the run's
// DATABASE_URL), the suite's staff account created with the CLI, then the built app.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { withTestKeys } from "./test-keys.mjs";

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
const port = process.env.E2E_PORT ?? "3100";
const env = withTestKeys({
  ...process.env,
  PORT: port,
  HOST: "127.0.0.1",
  CLAIMLINK_PUBLIC_URL: `http://localhost:${port}`,
  NODE_ENV: "production",
  // Shorter or looser than the defaults so the suite runs in seconds from one address; each
  // limit itself is tested with its default in lib/ (and the quota with this small value here).
  CLAIMLINK_CLAIM_TIMEOUT_SECONDS: "4",
  CLAIMLINK_ROLLOUT_TICK_SECONDS: "1",
  CLAIMLINK_SESSION_STARTS_PER_MINUTE: "100000",
  CLAIMLINK_CLAIMS_PER_HOUR: "100000",
  // Sign-in limits stay as shipped: they count per account and address (docs/decisions/0007),
  // so the suite's few wrong passwords from 127.0.0.1 lock nobody out, and e2e/attacks.spec.ts
  // tests the limits themselves from other loopback addresses.
  CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE: "100000",
  CLAIMLINK_LEGACY_REQUESTS_PER_ADDRESS_PER_MINUTE: "100000",
  CLAIMLINK_DEVICES_PER_ACCOUNT: "3",
  CLAIMLINK_EMULATOR: "on", // off by default on PostgreSQL; the suite tests it on both
  // Required by default in production; e2e/two-factor.spec.ts tests the required mode in a second process.
  CLAIMLINK_STAFF_2FA: "optional",
  // e2e/webhooks.spec.ts runs its receiver on 127.0.0.1; deliveries are looked for every second.
  CLAIMLINK_WEBHOOK_LOOPBACK: "on",
  CLAIMLINK_WEBHOOK_POLL_SECONDS: "1",
  ...(process.env.E2E_EXTRA_ENV ? JSON.parse(process.env.E2E_EXTRA_ENV) : {}),
});
if (!env.DATABASE_URL) {
  env.CLAIMLINK_DATA_DIR = path.join(root, "e2e", ".tmp", `data-${port}`);
  // E2E_KEEP_DATA=1: a restart of the same app (tests of what survives a restart).
  if (!process.env.E2E_KEEP_DATA) rmSync(env.CLAIMLINK_DATA_DIR, { recursive: true, force: true });
  mkdirSync(env.CLAIMLINK_DATA_DIR, { recursive: true, mode: 0o700 });
}

const seed = spawnSync(
  process.execPath,
  [
    path.join(root, "node_modules/tsx/dist/cli.mjs"),
    "cli/index.ts",
    "users",
    "add",
    process.env.E2E_STAFF_EMAIL ?? "staff@e2e.example.org",
    "--name",
    "Sam Staff",
    "--role",
    "staff",
  ],
  {
    cwd: root,
    env: { ...env, CLAIMLINK_PASSWORD: process.env.E2E_STAFF_PASSWORD ?? "staff password 123" },
    encoding: "utf8",
  },
);
// Exit 1 "already exists" is fine on a reused PostgreSQL database.
if (seed.status !== 0 && !/already exists/.test(seed.stderr)) {
  console.error(seed.stdout, seed.stderr);
  process.exit(1);
}

const app = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], { cwd: root, env, stdio: "inherit" });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => app.kill(sig));
app.on("exit", (code) => process.exit(code ?? 0));
