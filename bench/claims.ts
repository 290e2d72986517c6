// npm run bench:claims -- [--devices N] [--claims M] [--rate PER_SECOND] [--instances K] [--ramp SECONDS] [--jitter MS] [--users U]
//   [--fleet-nice NICE]
//
// Starts the built app on a fresh database of the local PostgreSQL (with --instances K > 1:
// K app processes on that database behind nginx), holds N devices in long polls, makes M
// claims from U signed-in users (default 10) at a steady rate, and prints how many devices were held (and
// where), how many claims completed, the errors, the claim latency (claim POST to the user
// seeing `claimed`), and each app process's memory, event-loop delay and garbage collection.
//
// Devices behave as real ones do (bench/fleet.ts): each starts at a random moment within the
// ramp (default a whole number of 25 s poll periods, at most 250 starts a second: 25 s for 5000
// devices, 50 s for 10,000), so polls end and restart evenly spread in time, and when its poll
// returns polls again after a random pause of up to --jitter ms (default 100: docs/protocol.md
// tells a device to re-poll at once; the pause stands for its network and its own work). A
// claim made while its device is between polls waits for the next one; how many did is printed.
// A request that fails at the network level (refused, reset) is retried after a second, as the
// device simulator does, at most twice; those retries are counted and printed, and a third
// failure is an error. The M devices to be claimed run in this process with the claimants; the
// other N - M, idle, in a child process, so that its pauses are not counted as claim latency,
// at a lowered scheduling priority (nice 10 unless --fleet-nice says otherwise; 0 keeps it
// equal): the devices of a real fleet do not take the server's cores, and on this shared
// machine they would otherwise compete with the app and PostgreSQL for them.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { monitorEventLoopDelay, PerformanceObserver } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import os from "node:os";
import { DeviceClient, type Challenge } from "../device/client";
import { Fleet, startIdleFleet } from "./fleet";
import { latencyLine, opt, sleep, startBenchApp, type BenchApp, type Probe } from "./harness";

const N = opt("devices", 1000);
const M = opt("claims", 200);
const RATE = opt("rate", 20);
const INSTANCES = opt("instances", 1);
const WAIT = 25;
// Whole poll periods, so the polls' ends spread evenly over time as a fleet's do (a shorter
// ramp makes them come in waves), and long enough that at most 250 devices start a second.
const RAMP = opt("ramp", WAIT * Math.max(1, Math.ceil(N / (250 * WAIT))));
const JITTER = opt("jitter", 100);
const USERS = opt("users", 10);
const FLEET_NICE = opt("fleet-nice", 10);
const PORT = Number(process.env.BENCH_PORT ?? 3290);
/** A duration as the debug lines print it: whole milliseconds. */
const ms = (t: number) => `${t.toFixed(0)} ms`;

/**
 * Each held poll is an open socket here and in the app (and two in nginx): make sure the file
 * descriptor limit allows it, raising it (up to the hard limit, or beyond it as root) by
 * running this script again under `ulimit -n`.
 */
function ensureFileLimit(): number {
  const current = Number(spawnSync("sh", ["-c", "ulimit -n"], { encoding: "utf8" }).stdout.trim());
  const need = 2 * N + 2048;
  if (current >= need || process.env.BENCH_ULIMIT_RAISED) return current;
  const r = spawnSync(
    "sh",
    [
      "-c",
      `ulimit -n ${need} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`,
      process.execPath,
      ...process.execArgv,
      ...process.argv.slice(1),
    ],
    { stdio: "inherit", env: { ...process.env, BENCH_ULIMIT_RAISED: String(current) } },
  );
  process.exit(r.status ?? 1);
}

/**
 * BENCH_DEBUG=1: once a second while the claims run, this process's event-loop delay, each app
 * process's, the requests it served, and PostgreSQL's busy backends by what they wait on: where
 * a slow second's time went (the app, this load generator, or the database).
 */
function debugTimeline(app: BenchApp, fleetPid: number | null) {
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  let gcMax = 0;
  const gc = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcMax = Math.max(gcMax, e.duration);
  });
  gc.observe({ entryTypes: ["gc"] });
  let served = app.probes().map((p) => p.served);
  const db = new URL(app.env.DATABASE_URL!).pathname.slice(1);
  const t0 = Date.now();
  const ticks = (pid: number) => {
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
    return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (100 a second)
  };
  const machine = () => {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].split(/\s+/).slice(1).map(Number);
    return { idle: f[3] + f[4], total: f.reduce((a, b) => a + b, 0) };
  };
  let appTicks = app.pids.map(ticks);
  let own = process.cpuUsage();
  let fleetTicks = fleetPid ? ticks(fleetPid) : 0;
  let m0 = machine();
  const timer = setInterval(() => {
    const nowTicks = app.pids.map(ticks);
    const cpu = nowTicks.map((t, i) => `${t - appTicks[i]}%`).join("/");
    appTicks = nowTicks;
    const ownNow = process.cpuUsage(own);
    own = process.cpuUsage();
    const fleetNow = fleetPid ? ticks(fleetPid) : 0;
    const fleetCpu = fleetNow - fleetTicks;
    fleetTicks = fleetNow;
    const m1 = machine();
    const busy = 100 - (100 * (m1.idle - m0.idle)) / (m1.total - m0.total);
    m0 = m1;
    const probes = app.probes();
    const pg = spawnSync("psql", [app.env.DATABASE_URL!, "-Atc", pgActivitySql(db)], {
      encoding: "utf8",
    }).stdout.trim();
    const apps = probes
      .map((p, i) => {
        const gcMaxMs = p.gc?.maxMs.toFixed(0) ?? "?";
        return `app${i + 1} delay p99 ${p.delayP99?.toFixed(0)} max ${p.delayMax?.toFixed(0)} ms, gc max ${gcMaxMs} ms, ${p.served - served[i]} req`;
      })
      .join("; ");
    served = probes.map((p) => p.served);
    for (const p of probes) {
      const slow = ((p as unknown as { posts?: [string, number][] }).posts ?? []).filter(([, ms]) => ms > 100);
      if (slow.length)
        console.log(
          `  app POSTs over 100 ms: ${slow.map(([u, ms]) => `${u.split("/").slice(3, 5).join("/")} ${ms}`).join(", ")}`,
        );
    }
    const seconds = ((Date.now() - t0) / 1000).toFixed(0);
    const benchCpu = ((ownNow.user + ownNow.system) / 1e4).toFixed(0);
    const cpuShares = `machine ${busy.toFixed(0)}% of 2 cores, app ${cpu}, bench ${benchCpu}%, idle fleet ${fleetCpu}%`;
    const benchDelay = `bench delay max ${(loop.max / 1e6).toFixed(0)} ms, gc max ${gcMax.toFixed(0)} ms`;
    console.log(`t+${seconds}s cpu: ${cpuShares}; ${benchDelay}; ${apps}; pg busy: ${pg}`);
    loop.reset();
    gcMax = 0;
  }, 1000);
  return {
    stop: () => {
      clearInterval(timer);
      gc.disconnect();
    },
  };
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;

/**
 * The machine's speed now: the best of three timings of 200,000 chained SHA-256 hashes on one
 * core, taken before the run. A shared virtual machine is not always as fast (here the same work
 * took 237–408 ms from one second to the next on an idle machine), so a run's figures are read
 * with it.
 */
function cpuCheck(): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const t0 = performance.now();
    let h = Buffer.alloc(32);
    for (let i = 0; i < 200_000; i++) h = createHash("sha256").update(h).digest();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

async function main() {
  const limit = ensureFileLimit();
  const cpuMs = cpuCheck();
  console.log(
    `Open files limit (ulimit -n): ${limit}${
      process.env.BENCH_ULIMIT_RAISED
        ? Number(process.env.BENCH_ULIMIT_RAISED) < limit
          ? ` (raised from ${process.env.BENCH_ULIMIT_RAISED})`
          : " (could not be raised: that is the hard limit here)"
        : ""
    }; ${N} devices need about ${2 * N + 2048}.`,
  );
  const app: BenchApp = await startBenchApp(
    PORT,
    {
      CLAIMLINK_SESSION_STARTS_PER_MINUTE: "1000000",
      CLAIMLINK_CLAIMS_PER_HOUR: "1000000",
      CLAIMLINK_DEVICES_PER_ACCOUNT: "100000",
    },
    { instances: INSTANCES },
  );
  const BASE = app.base;
  try {
    const password = "bench password 1";
    const cookies: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const email = `bench${u}@bench.example.org`;
      app.addUser(email, `Bench ${u}`, password);
      cookies.push(await app.signIn(email, password));
    }
    // Warm every process's routes, then take the memory every process has before holding polls.
    for (let i = 0; i < 10 * INSTANCES; i++) await new DeviceClient(BASE, null, { model: "warm" }).startSession();
    await sleep(1200);
    const baseline = app.probes();

    // The devices to be claimed here, beside the claimants that time them; the rest in a process
    // of their own (bench/fleet.ts).
    const fleetOpts = { base: BASE, wait: WAIT, rampMs: RAMP * 1000, jitterMs: JITTER };
    const targets = new Fleet(Math.min(M, N), fleetOpts);
    const idle = N > M ? startIdleFleet(N - M, fleetOpts, FLEET_NICE) : null;
    const idleStatus = () => idle?.status() ?? { polling: 0, errors: 0, retries: 0, errorKinds: {} };
    const { challenges, betweenPolls } = targets;
    const fail = (kind: string) => targets.fail(kind);
    let claimsBetweenPolls = 0;
    const startedAt = Date.now();
    const sent = () => {
      const [a, b] = [targets.snapshot(), idleStatus()];
      return a.polling + a.errors + b.polling + b.errors;
    };
    while (sent() < N) await sleep(100);
    const polling = targets.snapshot().polling + idleStatus().polling;
    // The polls are sent; wait until the app processes hold them (the probes count open requests).
    const heldNow = () => app.probes().reduce((n, p) => n + (p.activeRequests ?? 0), 0);
    for (let i = 0; i < 100 && heldNow() < 0.97 * polling; i++) await sleep(200);
    await sleep(1000);
    const holding = app.probes();
    const held = polling;
    const split = `${targets.devices.length} to be claimed in this process, ${N - targets.devices.length} idle in another`;
    const startedOver = ((Date.now() - startedAt) / 1000).toFixed(1);
    const open = holding.map((p) => p.activeRequests).join(", ");
    console.log(
      `Holding ${held} devices in long polls (${split}; started over ${startedOver} s; open requests per process: ${open}). ` +
        `Claiming ${M} at ${RATE}/s…`,
    );

    const latencies: number[] = [];
    let completed = 0;
    const claimOne = async (d: DeviceClient, cookie: string) => {
      const gotChallenge = new Promise<Challenge>((resolve) => challenges.set(d, resolve));
      const t0 = performance.now();
      if (betweenPolls.has(d)) claimsBetweenPolls++;
      const r = await fetch(`${BASE}/api/v1/claims`, {
        method: "POST",
        headers: { cookie, origin: BASE, "content-type": "application/json" }, // as a browser sends it
        body: JSON.stringify({ sid: d.session!.sid, pop: d.codeAt(0) }),
      });
      if (r.status !== 202) return fail(`claim ${r.status}`);
      const { claimId } = (await r.json()) as { claimId: string };
      const watching = fetch(`${BASE}/api/v1/claims/${claimId}?wait=25`, { headers: { cookie } }).then(
        (x) => x.json() as Promise<{ state: string }>,
      );
      const tPost = performance.now() - t0;
      let tChallenge = 0;
      let tAnswered = 0;
      const answered = gotChallenge
        .then((ch) => {
          tChallenge = performance.now() - t0;
          return d.answer(ch);
        })
        .then((x) => {
          tAnswered = performance.now() - t0;
          return x;
        });
      const [view] = await Promise.all([watching, answered]);
      if (view.state !== "claimed") return fail(`claim ended ${view.state}`);
      latencies.push(performance.now() - t0);
      // BENCH_DEBUG=1: where a slow claim's time went.
      if (process.env.BENCH_DEBUG && performance.now() - t0 > 100)
        console.log(
          `slow claim: posted ${ms(tPost)}, challenge at device ${ms(tChallenge)}, answered ${ms(tAnswered)}, ` +
            `seen claimed ${ms(performance.now() - t0)}`,
        );
      completed++;
    };
    // Sample every process while the claims run: the worst event-loop delay and the most memory.
    const samples: Probe[][] = [];
    const sampler = setInterval(() => samples.push(app.probes()), 500);
    const timeline = process.env.BENCH_DEBUG ? debugTimeline(app, idle?.pid ?? null) : null;
    const servedBefore = app.probes().map((p) => p.served);
    const inflight: Promise<void>[] = [];
    const pool = targets.devices.filter((d) => d.session);
    const t0 = Date.now();
    for (let i = 0; i < Math.min(M, pool.length); i++) {
      const due = t0 + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      inflight.push(claimOne(pool[i], cookies[i % USERS]).catch(() => fail("claim exception")));
    }
    await Promise.all(inflight);
    clearInterval(sampler);
    timeline?.stop();
    samples.push(app.probes());
    const servedDuring = app.probes().map((p, i) => p.served - servedBefore[i]);
    const ends = await Promise.all([targets.stop(), idle?.stop() ?? idleStatus()]);
    const errors = ends.reduce((n, e) => n + e.errors, 0);
    const retries = ends.reduce((n, e) => n + e.retries, 0);
    const errorKinds = new Map<string, number>();
    for (const e of ends)
      for (const [k, v] of Object.entries(e.errorKinds)) errorKinds.set(k, (errorKinds.get(k) ?? 0) + v);

    latencies.sort((a, b) => a - b);
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log("");
    console.log(
      `machine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL; load average ${os
        .loadavg()
        .map((x) => x.toFixed(2))
        .join(" ")}; CPU check (200,000 SHA-256 on one core, before the run) ${cpuMs.toFixed(0)} ms`,
    );
    console.log(`app processes:    ${INSTANCES}${INSTANCES > 1 ? " behind nginx" : ""}`);
    console.log(`devices held:     ${held} of ${N}`);
    console.log(`claims completed: ${completed} of ${Math.min(M, pool.length)}`);
    console.log(`network retries:  ${retries}`);
    console.log(`re-poll pause:    up to ${JITTER} ms; ${claimsBetweenPolls} claims found their device between polls`);
    console.log(
      `errors:           ${errors}${errors ? ` (${[...errorKinds].map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""}`,
    );
    if (latencies.length) {
      console.log(`claim latency:    ${latencyLine(latencies, [50, 95, 99])}`);
    }
    for (let i = 0; i < INSTANCES; i++) {
      const during = samples.map((s) => s[i]).filter((p) => p?.rss);
      const maxP99 = Math.max(...during.map((p) => p.delayP99));
      const maxDelay = Math.max(...during.map((p) => p.delayMax));
      // Each sample covers the half second before it; a window sampled twice is counted once.
      const windows = new Map(during.map((p) => [p.at, p.gc ?? { count: 0, totalMs: 0, maxMs: 0 }]));
      const gcs = [...windows.values()];
      const gcTotal = gcs.reduce((t, g) => t + g.totalMs, 0);
      const gcMax = Math.max(0, ...gcs.map((g) => g.maxMs));
      const polls = holding[i].activeRequests;
      const perPoll = polls > 0 ? (holding[i].rss - baseline[i].rss) / polls : 0;
      const memory = `RSS ${mib(baseline[i].rss)} before, ${mib(holding[i].rss)} holding (${(perPoll / 1024).toFixed(1)} KiB per held poll)`;
      console.log(
        `process ${i + 1}: held ${polls} polls; ${memory}; ` +
          `event-loop delay during claims: p99 ≤ ${maxP99.toFixed(1)} ms, max ${maxDelay.toFixed(1)} ms; ` +
          `garbage collection ${gcTotal.toFixed(0)} ms, longest pause ${gcMax.toFixed(1)} ms; requests served during claims ${servedDuring[i]}`,
      );
    }
    if (errors > 0 || completed < Math.min(M, pool.length)) process.exitCode = 1;
  } finally {
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

/** One line on what the database is doing: its busy connections by state and wait event, and the oldest open transaction. */
function pgActivitySql(db: string): string {
  const others = `datname = '${db}' and pid <> pg_backend_pid()`;
  const oldest =
    `select ' | oldest ' || round(extract(epoch from now() - xact_start) * 1000) || ' ms ' || state || ': ' || ` +
    `left(regexp_replace(query, '\\s+', ' ', 'g'), 90) ` +
    `from pg_stat_activity where ${others} and xact_start is not null order by xact_start limit 1`;
  const busy =
    `select state || coalesce('/' || wait_event, '') w, count(*) n from pg_stat_activity ` +
    `where ${others} and state <> 'idle' and query not ilike 'listen%' group by 1 order by 2 desc`;
  return `select coalesce(string_agg(w || ' ' || n, ', '), 'idle') || coalesce((${oldest}), '') from (${busy}) x`;
}
