// `npm test`: unit and integration tests (Vitest), a production build, then the browser and
// HTTP end-to-end suite (Playwright). Runs on PostgreSQL when DATABASE_URL is set, else PGlite.
import { spawnSync } from "node:child_process";

const database = process.env.DATABASE_URL ? "PostgreSQL (DATABASE_URL)" : "the embedded PGlite";
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1", PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: "1" };
const steps = [
  ["unit and integration tests", "npx", ["vitest", "run"]],
  // Built unless the build in .next is current (scripts/build-stamp.mjs hashes every source it
  // reads): CI's second run, on the other database, tests the same build.
  ["production build", "node", ["scripts/ensure-build.mjs"]],
  ["end-to-end tests", "npx", ["playwright", "test"]],
];

console.log(`Running every test on ${database}.`);
for (const [name, cmd, args] of steps) {
  console.log(`\n== ${name}: ${cmd} ${args.join(" ")}`);
  const r = spawnSync(cmd, args, { stdio: "inherit", env });
  if (r.status !== 0) {
    console.error(`\n${name} failed (exit ${r.status ?? r.signal}).`);
    process.exit(r.status || 1);
  }
}
console.log(`\nAll tests passed on ${database}.`);
