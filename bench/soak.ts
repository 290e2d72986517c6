// npm run bench:soak -- [--devices N] [--minutes M] [--report-seconds R] [--claim-seconds C]
//
// A fleet in steady state for a chosen time: the built app on a fresh database of the local
// PostgreSQL, N claimed devices (default 1000), each sending one signed report (three readings)
// and one signed command poll (GET /devices/me) a minute, spread evenly, while a new device is
// claimed every C seconds (default 5). Every R seconds (default 30) it prints the app's RSS, heap,
// event-loop delay and the answers so far; at the end, the least-squares slope of RSS and heap
// per hour over the second half of the run (after warm-up) and of the event-loop delay's p99.
// A memory slope that does not flatten out over a long run is a leak to look for.
import os from "node:os";
import { DeviceClient } from "../device/client";
import { claimShownCode, opt, sleep, startBenchApp, type Probe } from "./harness";

const N = opt("devices", 1000);
const MINUTES = opt("minutes", 15);
const REPORT_SECONDS = opt("report-seconds", 30);
const CLAIM_SECONDS = opt("claim-seconds", 5);
const CYCLE_MS = 60_000; // each device reports and polls once a minute
const PORT = Number(process.env.BENCH_PORT ?? 3295);

const MiB = 1024 * 1024;

async function claim(base: string, d: DeviceClient, cookie: string) {
  await d.startSession();
  await d.poll(0);
  await claimShownCode(base, d, cookie, d.poll(25));
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p[0], 0) / n;
  const my = points.reduce((s, p) => s + p[1], 0) / n;
  const num = points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0);
  const den = points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

async function main() {
  const app = await startBenchApp(PORT, {
    CLAIMLINK_DEVICES_PER_ACCOUNT: "100000",
    CLAIMLINK_CLAIMS_PER_HOUR: "100000",
    CLAIMLINK_SESSION_STARTS_PER_MINUTE: "100000",
    CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE: "100000",
  });
  const answers = new Map<string, number>();
  const count = (what: string) => answers.set(what, (answers.get(what) ?? 0) + 1);
  let stopping = false;
  try {
    const email = "soak@bench.example.org";
    const password = "bench password 1";
    app.addUser(email, "Soak", password);
    const cookie = await app.signIn(email, password);

    console.log(`claiming ${N} devices…`);
    const devices: DeviceClient[] = [];
    const t0 = performance.now();
    const queue = Array.from({ length: N }, () => new DeviceClient(app.base, null, { model: "bench-soak" }));
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let d = queue.pop(); d; d = queue.pop()) {
          await claim(app.base, d, cookie);
          devices.push(d);
        }
      }),
    );
    console.log(`claimed ${N} devices in ${((performance.now() - t0) / 1000).toFixed(0)} s`);

    // Each device on its own phase of the minute: a report, then a command poll half a minute later.
    const fleet = devices.map(async (d, i) => {
      await sleep((i / devices.length) * CYCLE_MS);
      while (!stopping) {
        const now = Math.floor(Date.now() / 1000);
        const body = JSON.stringify({
          measurements: ["temperature", "humidity", "pm25"].map((property, k) => ({
            property,
            time: now,
            value: k + i,
          })),
        });
        const r = await d.signed("POST", "/api/v1/devices/me/measurements", body).catch(() => null);
        count(r ? `report ${r.status}` : "report failed");
        await sleep(CYCLE_MS / 2);
        if (stopping) break;
        const p = await d.signed("GET", "/api/v1/devices/me").catch(() => null);
        count(p ? `poll ${p.status}` : "poll failed");
        await sleep(CYCLE_MS / 2);
      }
    });
    let claims = 0;
    const claimer = (async () => {
      while (!stopping) {
        await sleep(CLAIM_SECONDS * 1000);
        if (stopping) break;
        await claim(app.base, new DeviceClient(app.base, null, { model: "bench-soak-new" }), cookie).then(
          () => (claims++, count("claim ok")),
          () => count("claim failed"),
        );
      }
    })();

    const started = performance.now();
    const samples: { minutes: number; probe: Probe }[] = [];
    const load = `${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}`;
    const work = `${N} devices, a report and a poll each a minute, a claim every ${CLAIM_SECONDS} s, for ${MINUTES} min`;
    console.log(`machine: ${load}; ${work}`);
    console.log(
      "minute  rss MiB  heap MiB  delay p50/p99/max ms (mean p50, mean p99, worst over the interval)  answers",
    );
    while (performance.now() - started < MINUTES * 60_000) {
      // The probe covers half a second: every one of the interval is read, so the delay printed
      // is the interval's (the mean of its p99s and its worst), not one half-second's.
      const window: Probe[] = [];
      const until = performance.now() + REPORT_SECONDS * 1000;
      while (performance.now() < until) {
        await sleep(500);
        const p = app.probes()[0];
        if (p.at && p.at !== window.at(-1)?.at) window.push(p);
      }
      const last = window.at(-1)!;
      const probe: Probe = {
        ...last,
        delayP50: window.reduce((a, p) => a + p.delayP50, 0) / window.length,
        delayP99: window.reduce((a, p) => a + p.delayP99, 0) / window.length,
        delayMax: Math.max(...window.map((p) => p.delayMax)),
      };
      const minutes = (performance.now() - started) / 60_000;
      samples.push({ minutes, probe });
      const summary = [...answers].map(([k, v]) => `${k}: ${v}`).join(", ");
      const column = (x: number, width: number) => x.toFixed(1).padStart(width);
      const delays = `${probe.delayP50.toFixed(1)}/${probe.delayP99.toFixed(1)}/${probe.delayMax.toFixed(1)}`;
      const memory = `${column(probe.rss / MiB, 7)}  ${column(probe.heapUsed / MiB, 8)}`;
      console.log(`${column(minutes, 6)}  ${memory}  ${delays.padStart(20)}  ${summary}`);
    }
    stopping = true;
    await Promise.all([...fleet, claimer]);

    const late = samples.filter((s) => s.minutes >= MINUTES / 2);
    const perHour = (f: (p: Probe) => number) => slope(late.map((s) => [s.minutes / 60, f(s.probe)]));
    console.log(`\nover the second half (${late.length} samples, after warm-up), per hour:`);
    console.log(`  RSS          ${(perHour((p) => p.rss) / MiB).toFixed(1)} MiB/h`);
    console.log(`  heap used    ${(perHour((p) => p.heapUsed) / MiB).toFixed(1)} MiB/h`);
    console.log(`  delay p99    ${perHour((p) => p.delayP99).toFixed(2)} ms/h (the interval's mean p99)`);
    console.log(`claims during the run: ${claims}; answers: ${[...answers].map(([k, v]) => `${k}: ${v}`).join(", ")}`);
    const bad = [...answers].filter(([k]) => !/ (200|ok)$/.test(k));
    if (bad.length > 0) console.log(`NOT OK: ${bad.map(([k, v]) => `${k}: ${v}`).join(", ")}`);
  } finally {
    stopping = true;
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
