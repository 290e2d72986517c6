// npm run bench:steady -- [--devices N] [--seconds S] [--rounds R] [--warmup W] [--poll-rounds P]
//
// A claimed fleet's steady load (docs/protocol.md section 4). Starts the built app on a fresh
// database of the local PostgreSQL (DATABASE_URL of its own, created and dropped), claims N
// devices (default 64) through the protocol, then measures, alternating in R rounds (default 2)
// so both see the same machine load:
// - app: each device sends small signed reports (three readings) back to back for S seconds
//   (default 20); every answer's Claimlink-Response-MAC is checked. The per-device limit on
//   batches a minute is raised for the bench through CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE.
// - raw: N senders run three-row INSERTs of the same rows into the measurements table back to
//   back for S seconds through postgres.js, over as many connections as the app's pool (20).
// Each phase starts with W seconds (default 2) that are not measured, the same for both: the
// steady load, not a cold start's first requests (the app loading each credential once, the
// JIT, the first statements' plans).
// It prints both rates, app as a share of raw, the latency percentiles and how many devices
// each would serve at one report a minute. Then, in P rounds (--poll-rounds, default 1), each
// device sends idle command polls (GET /devices/me, nothing pending) back to back: their rate,
// latency and CPU a request beside a report's.
import http from "node:http";
import postgres from "postgres";
import { authorizationHeader, expectedResponseMac, sameBytes } from "../device/protocol";
import {
  alternateRounds,
  benchAccount,
  claimBenchDevices,
  cpuSeconds,
  insertRawRows,
  machineLine,
  opt,
  pct,
  postgresCpuSeconds,
  rawReadingRows,
  startBenchApp,
} from "./harness";

const N = opt("devices", 64);
const SECONDS = opt("seconds", 20);
const ROUNDS = opt("rounds", 2);
const WARMUP = opt("warmup", 2);
const POLL_ROUNDS = opt("poll-rounds", 1);
const PORT = Number(process.env.BENCH_PORT ?? 3292);
const POOL = 20;
const PATH = "/api/v1/devices/me/measurements";
/** A device's command poll: its profile and pending commands (docs/protocol.md section 4). */
const POLL_PATH = "/api/v1/devices/me";
const PROPERTIES = [
  ["temperature", "Cel"],
  ["humidity", "%RH"],
  ["pressure", "hPa"],
] as const;

const perReport = (cpuSeconds: number, p: { reports: number }) => `${((1000 * cpuSeconds) / p.reports).toFixed(2)} ms`;

type Phase = {
  reports: number;
  seconds: number;
  latencies: number[];
  /** CPU seconds of the phase: PostgreSQL's (every process), the app's, this client's. */
  pgCpu: number;
  appCpu?: number;
  benchCpu?: number;
};

/**
 * A phase's clock: WARMUP seconds not measured, then SECONDS that are. The measured part begins
 * when `start` runs (the CPU counters' first reading): requests started from then on count, and
 * the rate is over the time since then, so requests and CPU cover the same window.
 */
function phaseClock(start: () => void) {
  const clock = { from: Infinity, end: Infinity };
  setTimeout(() => {
    start();
    clock.from = performance.now();
    clock.end = clock.from + SECONDS * 1000;
  }, WARMUP * 1000);
  return clock;
}

/** One request over a kept-alive connection: the status and the answer's text and MAC. */
function send(
  agent: http.Agent,
  base: URL,
  method: "GET" | "POST",
  path: string,
  headers: Record<string, string>,
  body: string,
) {
  return new Promise<{ status: number; text: string; mac: string | undefined }>((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method,
        path,
        headers: body
          ? { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) }
          : headers,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            text: Buffer.concat(chunks).toString("utf8"),
            mac: res.headers["claimlink-response-mac"] as string | undefined,
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body || undefined);
  });
}

async function main() {
  const app = await startBenchApp(PORT, {
    CLAIMLINK_SESSION_STARTS_PER_MINUTE: "1000000",
    CLAIMLINK_CLAIMS_PER_HOUR: "1000000",
    CLAIMLINK_DEVICES_PER_ACCOUNT: "100000",
    // The bench's devices report back to back; a real fleet reports once a minute or so.
    CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE: "10000000",
  });
  try {
    const cookie = await benchAccount(app, "steady@bench.example.org", "Steady");
    const devices = await claimBenchDevices(app, cookie, N, { model: "bench-steady" }, 8);
    const creds = devices.map((d) => ({
      id: d.credential!.credentialId,
      secret: Buffer.from(d.credential!.secretHex, "hex"),
    }));

    // As many connections as the app's pool (lib/db/client.ts), shared by the N senders as the
    // app's are: the database sees the same concurrency, and a shared cluster its usual clients.
    const raw = postgres(app.env.DATABASE_URL!, { max: Math.min(N, POOL), onnotice: () => {} });
    const [{ version }] = await raw<{ version: string }[]>`select version()`;
    const ids = new Map(
      (
        await raw<
          { id: string; credential: string }[]
        >`select device_id as id, id as credential from device_credentials`
      ).map((r) => [r.credential, r.id]),
    );
    const deviceIds = creds.map((c) => ids.get(c.id)!);

    // Each report takes the next second of its device's timeline, so every row of both phases is new.
    const start = Math.floor(Date.now() / 1000) - 30 * 24 * 3600;
    const nextTime = new Array<number>(N).fill(start);
    const readings = (i: number) => {
      const time = nextTime[i]++;
      return PROPERTIES.map(([property, unit], k) => ({ property, unit, time, value: 20 + ((time + k) % 50) / 10 }));
    };

    const base = new URL(app.base);
    const agent = new http.Agent({ keepAlive: true, maxSockets: N });
    /**
     * Every device sends signed requests back to back: reports (three readings each, every one
     * stored) or idle command polls (GET /devices/me, no command pending). Every answer's MAC is checked.
     */
    const signedPhase = async (kind: "report" | "poll"): Promise<Phase> => {
      const latencies: number[] = [];
      let app0 = 0;
      let pg0 = 0;
      let bench0 = process.cpuUsage();
      const clock = phaseClock(() => {
        app0 = cpuSeconds(app.pids[0]);
        pg0 = postgresCpuSeconds();
        bench0 = process.cpuUsage();
      });
      await Promise.all(
        creds.map(async (c, i) => {
          while (performance.now() < clock.end) {
            const report = kind === "report";
            const body = report ? JSON.stringify({ measurements: readings(i) }) : "";
            const [method, path] = report ? (["POST", PATH] as const) : (["GET", POLL_PATH] as const);
            const auth = authorizationHeader(c.id, c.secret, method, path, Math.floor(Date.now() / 1000), body);
            const t = performance.now();
            const r = await send(agent, base, method, path, { authorization: auth.header }, body);
            if (t >= clock.from) latencies.push(performance.now() - t);
            if (r.status !== 200) throw new Error(`${kind} refused: ${r.status} ${r.text}`);
            if (!r.mac || !sameBytes(expectedResponseMac(c.secret, auth.nonce, r.status, r.text), r.mac))
              throw new Error("an answer without a valid Claimlink-Response-MAC");
            const answer = JSON.parse(r.text) as { accepted?: number; commands?: unknown[] };
            if (report && answer.accepted !== 3) throw new Error(`not stored: ${r.text}`);
            if (!report && answer.commands?.length !== 0) throw new Error(`not an idle poll: ${r.text}`);
          }
        }),
      );
      const seconds = (performance.now() - clock.from) / 1000;
      const bench = process.cpuUsage(bench0);
      const appCpu = cpuSeconds(app.pids[0]) - app0;
      const pgCpu = postgresCpuSeconds() - pg0;
      return {
        reports: latencies.length,
        seconds,
        latencies,
        pgCpu,
        appCpu,
        benchCpu: (bench.user + bench.system) / 1e6,
      };
    };
    const appPhase = () => signedPhase("report");

    const rawPhase = async (): Promise<Phase> => {
      const latencies: number[] = [];
      let pg0 = 0;
      const clock = phaseClock(() => (pg0 = postgresCpuSeconds()));
      await Promise.all(
        deviceIds.map(async (deviceId, i) => {
          while (performance.now() < clock.end) {
            const rows = rawReadingRows(deviceId, readings(i));
            const t = performance.now();
            const stored = await insertRawRows(raw, rows);
            if (t >= clock.from) latencies.push(performance.now() - t);
            if (stored !== 3) throw new Error("raw insert stored fewer rows");
          }
        }),
      );
      const seconds = (performance.now() - clock.from) / 1000;
      return { reports: latencies.length, seconds, latencies, pgCpu: postgresCpuSeconds() - pg0 };
    };

    let app_: Phase[] = [];
    let raw_: Phase[] = [];
    const polls: Phase[] = [];
    try {
      ({ app: app_, raw: raw_ } = await alternateRounds(ROUNDS, appPhase, rawPhase, (a, r, round) =>
        console.log(
          `round ${round + 1}: signed ${Math.round(a.reports / a.seconds)} reports/s, raw ${Math.round(r.reports / r.seconds)} inserts/s; ` +
            `CPU per signed report: app ${perReport(a.appCpu!, a)}, PostgreSQL ${perReport(a.pgCpu, a)}, this client ${perReport(a.benchCpu!, a)}; ` +
            `per raw insert: PostgreSQL ${perReport(r.pgCpu, r)}`,
        ),
      ));
      for (let round = 0; round < POLL_ROUNDS; round++) {
        const p = await signedPhase("poll");
        polls.push(p);
        console.log(
          `idle polls, round ${round + 1}: ${Math.round(p.reports / p.seconds)} polls/s; ` +
            `CPU per poll: app ${perReport(p.appCpu!, p)}, PostgreSQL ${perReport(p.pgCpu, p)}, this client ${perReport(p.benchCpu!, p)}`,
        );
      }
    } finally {
      agent.destroy();
      await raw.end({ timeout: 5 });
    }

    const total = (ps: Phase[]) => {
      const reports = ps.reduce((n, p) => n + p.reports, 0);
      const seconds = ps.reduce((n, p) => n + p.seconds, 0);
      const lat = ps.flatMap((p) => p.latencies).sort((a, b) => a - b);
      return { reports, seconds, rate: reports / seconds, lat };
    };
    const a = total(app_);
    const r = total(raw_);
    const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
    const row = (name: string, t: ReturnType<typeof total>) =>
      console.log(
        `${name.padEnd(36)}${fmt(t.rate).padStart(8)}/s  p50 ${pct(t.lat, 50).toFixed(1).padStart(6)} ms  p95 ${pct(
          t.lat,
          95,
        )
          .toFixed(1)
          .padStart(6)} ms  p99 ${pct(t.lat, 99).toFixed(1).padStart(6)} ms  ${fmt(t.rate * 60).padStart(9)} devices`,
      );
    console.log("");
    console.log(`database: ${version.split(" on ")[0]} (a fresh database, dropped afterwards)`);
    console.log(machineLine());
    console.log(
      `${N} devices, three readings a report, ${ROUNDS} rounds of ${SECONDS} s of each (after ${WARMUP} s of each not measured)`,
    );
    console.log(`${"".padEnd(36)}${"rate".padStart(10)}  ${"latency".padEnd(44)}devices at one report a minute`);
    row("signed reports through the app:", a);
    row("raw three-row INSERTs:", r);
    console.log(`signed / raw: ${((100 * a.rate) / r.rate).toFixed(0)} %`);
    if (polls.length) {
      const cpu = (f: (p: Phase) => number, ps: Phase[]) =>
        perReport(
          ps.reduce((n, p) => n + f(p), 0),
          { reports: ps.reduce((n, p) => n + p.reports, 0) },
        );
      row("idle command polls through the app:", total(polls));
      console.log(
        `CPU a request, app + PostgreSQL: report ${cpu((p) => p.appCpu!, app_)} + ${cpu((p) => p.pgCpu, app_)}, ` +
          `idle poll ${cpu((p) => p.appCpu!, polls)} + ${cpu((p) => p.pgCpu, polls)}`,
      );
    }
  } finally {
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
