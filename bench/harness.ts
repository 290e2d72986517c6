import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type postgres from "postgres";
import { DeviceClient, type Challenge, type DeviceOptions } from "../device/client";
import { nginxConf } from "../scripts/nginx-conf.mjs";
import { withTestKeys } from "../scripts/test-keys.mjs";

// What every benchmark needs: the built app on a fresh database of the local PostgreSQL,
// accounts made with the operator CLI, and signed-in cookies.

export const root = path.resolve(import.meta.dirname, "..");
const PG = process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432";

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** CPU seconds a process has used so far (user + system), from /proc. */
export function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ 100)
}

/**
 * CPU seconds every PostgreSQL process of this machine has used so far (its backends, the
 * writer, the WAL writer): what a phase cost the database, when nothing else uses it meanwhile.
 */
export function postgresCpuSeconds(): number {
  let total = 0;
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (stat.slice(stat.indexOf("(") + 1, stat.indexOf(")")) !== "postgres") continue;
      const fields = stat.split(") ")[1].split(" ");
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** The p-th percentile of sorted values. */
/**
 * Runs the app's phase and the raw database phase `rounds` times each, alternating which goes
 * first so neither always runs on a warmer (or busier) database; `each` reports a round.
 */
export async function alternateRounds<P>(
  rounds: number,
  appPhase: () => Promise<P>,
  rawPhase: () => Promise<P>,
  each: (app: P, raw: P, round: number) => void,
): Promise<{ app: P[]; raw: P[] }> {
  const app: P[] = [];
  const raw: P[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      app.push(await appPhase());
      raw.push(await rawPhase());
    } else {
      raw.push(await rawPhase());
      app.push(await appPhase());
    }
    each(app[round], raw[round], round);
  }
  return { app, raw };
}

/** The number after `--name` on the command line, or `fallback`. */
export function opt(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];

/** Latencies sorted ascending as the reports print them: `p50 1.2 ms, p95 3.4 ms, max 9.9 ms`. */
export function latencyLine(sorted: number[], percentiles: number[] = [50, 95]): string {
  const at = percentiles.map((p) => `p${p} ${pct(sorted, p).toFixed(1)} ms`);
  return [...at, `max ${sorted[sorted.length - 1].toFixed(1)} ms`].join(", ");
}

function psql(sqlText: string) {
  const r = spawnSync("psql", [`${PG}/postgres`, "-qc", sqlText], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(r.stderr);
}

/** What bench/probe.mjs reports of one app process. */
export type Probe = {
  at: number;
  rss: number;
  heapUsed: number;
  activeRequests: number;
  served: number;
  delayP50: number;
  delayP99: number;
  delayMax: number;
  delayMaxEver: number;
  /** Garbage-collection pauses in the half second before `at`. */
  gc?: { count: number; totalMs: number; maxMs: number };
};

export type BenchApp = {
  base: string;
  env: NodeJS.ProcessEnv;
  /** The app processes' latest probes (one per process, in port order). */
  probes(): Probe[];
  /** The PIDs of the app processes. */
  pids: number[];
  /** An account made with the operator CLI (`role` staff, else a participant). */
  addUser(email: string, name: string, password: string, role?: "staff"): void;
  signIn(email: string, password: string): Promise<string>;
  stop(): Promise<void>;
};

async function healthy(base: string) {
  return fetch(`${base}/api/health`).then(
    (r) => r.ok,
    () => false,
  );
}

async function waitHealthy(base: string, child: ChildProcess) {
  for (let i = 0; ; i++) {
    if (await healthy(base)) return;
    if (child.exitCode !== null || i > 300) throw new Error("the app did not start; run `npm run build` first");
    await sleep(200);
  }
}

/** nginx in front of `upstreams`, run unprivileged from a temporary directory (docs/deployment.md). */
function startNginx(listen: string, upstreams: string[]): { stop(): Promise<void> } {
  const dir = mkdtempSync(path.join(os.tmpdir(), "claimlink-nginx-"));
  for (const d of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(path.join(dir, d));
  writeFileSync(path.join(dir, "nginx.conf"), nginxConf({ listen, upstreams, prefix: dir }));
  const argv = ["nginx", "-p", dir, "-c", path.join(dir, "nginx.conf"), "-g", "daemon off;"];
  let cmd = argv;
  if (process.getuid?.() === 0) {
    // As root, drop to nobody: nginx needs no privilege for a port above 1024.
    const nobody = Number(spawnSync("id", ["-u", "nobody"], { encoding: "utf8" }).stdout.trim());
    const nogroup = Number(spawnSync("id", ["-g", "nobody"], { encoding: "utf8" }).stdout.trim());
    for (const f of ["", "client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
      chownSync(path.join(dir, f), nobody, nogroup);
    cmd = ["setpriv", `--reuid=${nobody}`, `--regid=${nogroup}`, "--clear-groups", ...argv];
  }
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", "ignore", "inherit"] });
  return {
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once("exit", r));
        child.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts `npm run build`'s app on a new database; `stop` ends it and drops the database. With
 * `instances` > 1, that many app processes share the database behind nginx on `port` (the
 * processes on the ports after it).
 */
export async function startBenchApp(
  port: number,
  extraEnv: Record<string, string> = {},
  { instances = 1 }: { instances?: number } = {},
): Promise<BenchApp> {
  const base = `http://127.0.0.1:${port}`;
  // BENCH_DB_PREFIX: the new database's name prefix (a shared cluster's convention, e.g. a team's branch name).
  const prefix = process.env.BENCH_DB_PREFIX ?? "claimlink_bench";
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) throw new Error("BENCH_DB_PREFIX must be a lower-case SQL name");
  const db = `${prefix}_${Date.now()}`;
  psql(`create database ${db}`);
  const probeDir = mkdtempSync(path.join(os.tmpdir(), "claimlink-probe-"));
  const env: NodeJS.ProcessEnv = {
    // On PostgreSQL the app needs its keys set (it refuses to start without them).
    ...withTestKeys(process.env),
    DATABASE_URL: `${PG}/${db}`,
    HOST: "127.0.0.1",
    CLAIMLINK_PUBLIC_URL: base,
    NODE_ENV: "production",
    ...(instances > 1 ? { CLAIMLINK_TRUSTED_PROXIES: "1" } : {}),
    ...extraEnv,
  };
  // BENCH_NODE_ARGS: extra Node flags for the app, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof".
  const nodeArgs = (process.env.BENCH_NODE_ARGS ?? "").split(" ").filter(Boolean);
  const ports = instances > 1 ? Array.from({ length: instances }, (_, i) => port + 1 + i) : [port];
  const servers: ChildProcess[] = [];
  let nginx: { stop(): Promise<void> } | null = null;
  const stop = async () => {
    await nginx?.stop();
    await Promise.all(
      servers.map(async (server) => {
        if (server.exitCode !== null) return;
        const exited = new Promise((r) => server.once("exit", r));
        server.kill("SIGTERM");
        await Promise.race([exited, sleep(5000)]);
      }),
    );
    rmSync(probeDir, { recursive: true, force: true });
    try {
      psql(`drop database if exists ${db} with (force)`);
    } catch {
      /* best effort */
    }
  };
  try {
    // One after another: the first applies the migrations, the others find them applied.
    for (const [i, p] of ports.entries()) {
      // Another app still on the port would answer the health check for this one.
      if (await healthy(`http://127.0.0.1:${p}`)) throw new Error(`port ${p} is in use (set BENCH_PORT)`);
      const server = spawn(
        process.execPath,
        [
          ...nodeArgs,
          "--import",
          pathToFileURL(path.join(root, "bench/probe.mjs")).href,
          path.join(root, "scripts/start.mjs"),
        ],
        {
          cwd: root,
          env: { ...env, PORT: String(p), BENCH_PROBE_FILE: path.join(probeDir, `probe-${i}.json`) },
          // BENCH_APP_LOG=1: the app's own output on this terminal.
          stdio: process.env.BENCH_APP_LOG ? "inherit" : "ignore",
        },
      );
      servers.push(server);
      await waitHealthy(`http://127.0.0.1:${p}`, server);
    }
    if (instances > 1) {
      nginx = startNginx(
        `127.0.0.1:${port}`,
        ports.map((p) => `127.0.0.1:${p}`),
      );
      for (let i = 0; !(await healthy(base)); i++) {
        if (i > 100) throw new Error("nginx did not start");
        await sleep(100);
      }
    }
  } catch (err) {
    await stop();
    throw err;
  }
  const probes = () =>
    ports.map((_, i) => {
      const f = path.join(probeDir, `probe-${i}.json`);
      return existsSync(f) ? (JSON.parse(readFileSync(f, "utf8")) as Probe) : ({} as Probe);
    });
  return {
    base,
    env,
    stop,
    probes,
    pids: servers.map((s) => s.pid!),
    addUser(email, name, password, role) {
      const r = spawnSync(
        process.execPath,
        [
          path.join(root, "node_modules/tsx/dist/cli.mjs"),
          "cli/index.ts",
          "users",
          "add",
          email,
          "--name",
          name,
          ...(role ? ["--role", role] : []),
        ],
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

const BENCH_PASSWORD = "bench password 1";

/** A new account on the bench's app (`role` staff, else a participant), signed in: its cookie. */
export async function benchAccount(app: BenchApp, email: string, name: string, role?: "staff"): Promise<string> {
  app.addUser(email, name, BENCH_PASSWORD, role);
  return app.signIn(email, BENCH_PASSWORD);
}

/** One device claimed as a person would: it starts a session, the claim arrives on its long poll, it answers. */
export async function claimBenchDevice(base: string, d: DeviceClient, cookie: string): Promise<void> {
  await d.startSession();
  const polled = d.poll(25);
  await sleep(100);
  await claimShownCode(base, d, cookie, polled);
}

/** Claims the code `d` shows while `polled` (its long poll) waits, and answers the challenge that poll brings. */
export async function claimShownCode(
  base: string,
  d: DeviceClient,
  cookie: string,
  polled: Promise<unknown>,
): Promise<void> {
  const r = await fetch(`${base}/api/v1/claims`, {
    method: "POST",
    headers: { cookie, origin: base, "content-type": "application/json" },
    body: JSON.stringify({ sid: d.session!.sid, pop: d.codeAt(0) }),
  });
  if (r.status !== 202) throw new Error(`claim refused: ${r.status} ${await r.text()}`);
  const ch = (await polled) as Challenge;
  if ((await d.answer(ch)).state !== "claimed") throw new Error("not claimed");
}

/** `n` new devices, claimed by the account of `cookie`, `atOnce` at a time (each claim waits on its device's long poll). */
export async function claimBenchDevices(
  app: BenchApp,
  cookie: string,
  n: number,
  device: DeviceOptions,
  atOnce: number,
): Promise<DeviceClient[]> {
  const devices = Array.from({ length: n }, () => new DeviceClient(app.base, null, device));
  for (let i = 0; i < n; i += atOnce)
    await Promise.all(devices.slice(i, i + atOnce).map((d) => claimBenchDevice(app.base, d, cookie)));
  return devices;
}

/** The machine a run was measured on, as the reports print it: cores, CPU, Node and the load average. */
export function machineLine(): string {
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
  return `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), Node ${process.version}, load average ${load}`;
}

type RawRow = { device_id: string; property: string; unit: string; time: Date; value: number };

/** One device's readings as rows of the measurements table, for the raw phases' baseline. */
export function rawReadingRows(
  deviceId: string,
  readings: { property: string; unit: string; time: number; value: number }[],
): RawRow[] {
  return readings.map((r) => ({
    device_id: deviceId,
    property: r.property,
    unit: r.unit,
    time: new Date(r.time * 1000),
    value: r.value,
  }));
}

/** The rows stored by one plain batched INSERT (postgres.js), the baseline the app is compared with: how many. */
export async function insertRawRows(raw: postgres.Sql, rows: RawRow[]): Promise<number> {
  const result = await raw`insert into measurements ${raw(rows, "device_id", "property", "unit", "time", "value")}`;
  return result.count;
}
