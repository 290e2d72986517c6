// npm run bench:start -- [--runs N]
//
// Times `npm start` from the command to the first healthy answer of /api/health, N times
// (default 3) on one embedded database: the first run creates it (and applies the migrations),
// the others start an existing installation, as a restart does. With a current build (run
// `npm run build` first) it measures the start alone; npm start builds only when sources changed.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { withTestKeys } from "../scripts/test-keys.mjs";
import { root, sleep } from "./harness";

const args = process.argv.slice(2);
const i = args.indexOf("--runs");
const RUNS = i >= 0 ? Number(args[i + 1]) : 3;
const PORT = Number(process.env.BENCH_PORT ?? 3292);

const dataDir = mkdtempSync(path.join(os.tmpdir(), "claimlink-start-"));

async function once(): Promise<number> {
  const env = withTestKeys<NodeJS.ProcessEnv>({
    ...process.env,
    PORT: String(PORT),
    CLAIMLINK_DATA_DIR: dataDir,
    NODE_ENV: "production",
  });
  delete env.DATABASE_URL;
  const t0 = performance.now();
  const child = spawn("npm", ["start"], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"], detached: true });
  let out = "";
  child.stdout!.on("data", (b: Buffer) => (out += b));
  try {
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${PORT}/api/health`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) return performance.now() - t0;
      if (child.exitCode !== null) throw new Error(`npm start ended: ${out}`);
      if (performance.now() - t0 > 180_000) throw new Error("not healthy within 180 s");
      await sleep(25);
    }
  } finally {
    if (!out.includes("The build is current")) console.log("  (it built first)");
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      process.kill(-child.pid!, "SIGTERM");
      await exited;
    }
  }
}

async function main() {
  const times: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const ms = await once();
    times.push(ms);
    console.log(
      `run ${r + 1}: healthy ${(ms / 1000).toFixed(2)} s after \`npm start\`${r === 0 ? " (new database: created and migrated)" : ""}`,
    );
  }
  console.log(
    `machine: ${os.cpus().length} cores, load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}; range ${(Math.min(...times) / 1000).toFixed(2)}–${(Math.max(...times) / 1000).toFixed(2)} s`,
  );
}

main()
  .finally(() => rmSync(dataDir, { recursive: true, force: true }))
  .catch((err) => {
    console.error(err);
    process.exit(1);
  });
