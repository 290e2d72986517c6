import { spawn, spawnSync } from "node:child_process";
import path from "node:path";
import { withTestKeys } from "../scripts/test-keys.mjs";

// What every benchmark needs: the built app on a fresh database of the local PostgreSQL,
// accounts made with the operator CLI, and signed-in cookies.

export const root = path.resolve(import.meta.dirname, "..");
const PG = process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** The p-th percentile of sorted values. */
export const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

function psql(sqlText: string) {
  const r = spawnSync("psql", [`${PG}/postgres`, "-qc", sqlText], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
}

export type BenchApp = {
  base: string;
  env: NodeJS.ProcessEnv;
  addUser(email: string, name: string, password: string): void;
  signIn(email: string, password: string): Promise<string>;
  stop(): Promise<void>;
};

/** Starts `npm run build`'s app on a new database; `stop` ends it and drops the database. */
export async function startBenchApp(port: number, extraEnv: Record<string, string> = {}): Promise<BenchApp> {
  const base = `http://127.0.0.1:${port}`;
  const db = `claimlink_bench_${Date.now()}`;
  psql(`create database ${db}`);
  const env: NodeJS.ProcessEnv = {
    // On PostgreSQL the app needs its keys set (it refuses to start without them).
    ...withTestKeys(process.env),
    DATABASE_URL: `${PG}/${db}`,
    PORT: String(port),
    HOST: "127.0.0.1",
    CLAIMLINK_PUBLIC_URL: base,
    NODE_ENV: "production",
    ...extraEnv,
  };
  // BENCH_NODE_ARGS: extra Node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const server = spawn(process.execPath, [...nodeArgs, path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env,
    stdio: "ignore",
  });
  const stop = async () => {
    server.kill("SIGTERM");
    await sleep(500);
    try {
      psql(`drop database if exists ${db} with (force)`);
    } catch {
      /* best effort */
    }
  };
  for (let i = 0; ; i++) {
    if (
      await fetch(`${base}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    if (i > 150) {
      await stop();
      throw new Error("the app did not start; run `npm run build` first");
    }
    await sleep(200);
  }
  return {
    base,
    env,
    stop,
    addUser(email, name, password) {
      const r = spawnSync(
        process.execPath,
        [path.join(root, "node_modules/tsx/dist/cli.mjs"), "cli/index.ts", "users", "add", email, "--name", name],
        { cwd: root, env: { ...env, CLAIMLINK_PASSWORD: password }, encoding: "utf8" },
      );
      if (r.status !== 0) throw new Error(r.stderr);
    },
    async signIn(email, password) {
      const r1 = await fetch(`${base}/api/auth/csrf`);
      const jar = r1.headers.getSetCookie().map((c) => c.split(";")[0]);
      const { csrfToken } = (await r1.json()) as { csrfToken: string };
      const r2 = await fetch(`${base}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { cookie: jar.join("; "), "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ csrfToken, email, password }),
      });
      return [...jar, ...r2.headers.getSetCookie().map((c) => c.split(";")[0])].join("; ");
    },
  };
}
