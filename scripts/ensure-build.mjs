// Builds the app (Next, then the /api/v1 router's bundle: scripts/build-api.mjs) unless the build in .next is current (scripts/build-stamp.mjs says what
// "current" means). `npm start` calls it before starting (in the same process); `npm run build`
// (`node scripts/ensure-build.mjs --force`) always builds.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { buildStatus, sourceHash, writeStamp } from "./build-stamp.mjs";

/** Returns true when it built; exits the process with the build's status when the build fails. */
export function ensureBuild(root, { force = false } = {}) {
  const status = force ? { current: false, reason: "asked to build" } : buildStatus(root);
  if (status.current) {
    console.log("The build is current; starting it.");
    return false;
  }
  console.log(`Building (${status.reason})…`);
  // Hashed before building: an edit made while the build runs makes the next start build again.
  const hash = sourceHash(root);
  const next = path.join(root, "node_modules", "next", "dist", "bin", "next");
  const r = spawnSync(process.execPath, [next, "build"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: "1" },
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // After Next's build, which empties .next.
  const api = spawnSync(process.execPath, [path.join(root, "scripts", "build-api.mjs")], {
    cwd: root,
    stdio: "inherit",
  });
  if (api.status !== 0) process.exit(api.status ?? 1);
  writeStamp(root, hash);
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..");
  ensureBuild(root, { force: process.argv.includes("--force") });
}
