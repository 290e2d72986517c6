// npm run bench:claims -- [--devices N] [--claims M] [--rate PER_SECOND]
//
// Starts the built app on a fresh database of the local PostgreSQL, holds N devices in long
// polls, makes M claims from signed-in users at a steady rate, and prints how many devices were
// held, how many claims completed, the errors, and the claim latency (claim POST to the user
// seeing `claimed`).
import os from "node:os";
import { DeviceClient, type Challenge } from "../device/client";
import { pct, sleep, startBenchApp } from "./harness";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = opt("devices", 1000);
const M = opt("claims", 200);
const RATE = opt("rate", 20);
const USERS = 10;
const PORT = 3290;

async function main() {
  const app = await startBenchApp(PORT, {
    CLAIMLINK_SESSION_STARTS_PER_MINUTE: "1000000",
    CLAIMLINK_CLAIMS_PER_HOUR: "1000000",
    CLAIMLINK_DEVICES_PER_ACCOUNT: "100000",
  });
  const BASE = app.base;
  try {
    const password = "bench password 1";
    const cookies: string[] = [];
    for (let u = 0; u < USERS; u++) {
      const email = `bench${u}@bench.example.org`;
      app.addUser(email, `Bench ${u}`, password);
      cookies.push(await app.signIn(email, password));
    }

    // N devices, each keeping a long poll open until it is claimed or the run ends.
    const ctl = new AbortController();
    let errors = 0;
    const errorKinds = new Map<string, number>();
    const fail = (kind: string) => {
      errors++;
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    };
    const devices = Array.from({ length: N }, () => new DeviceClient(BASE, null, { model: "bench-room" }));
    const challenges = new Map<DeviceClient, (c: Challenge) => void>();
    let polling = 0;
    const startedAt = Date.now();
    await Promise.all(
      devices.map((d, i) =>
        sleep(i % 200)
          .then(() => d.startSession())
          .catch(() => fail("session start")),
      ),
    );
    const loops = devices.map(async (d) => {
      if (!d.session) return;
      let counted = false;
      while (!ctl.signal.aborted) {
        try {
          const p = d.poll(25, ctl.signal);
          if (!counted) {
            counted = true;
            polling++;
          }
          const a = await p;
          if (a.state === "challenge") {
            challenges.get(d)?.(a);
            return;
          }
        } catch {
          if (!ctl.signal.aborted) fail("poll");
          return;
        }
      }
    });
    while (polling < devices.filter((d) => d.session).length) await sleep(50);
    // The polls are sent; wait until the server has taken them all (it answers at once again).
    for (let quiet = 0; quiet < 3;) {
      const t = performance.now();
      await fetch(`${BASE}/api/health`);
      quiet = performance.now() - t < 25 ? quiet + 1 : 0;
      await sleep(100);
    }
    const held = polling;
    console.log(
      `Holding ${held} devices in long polls (set up in ${((Date.now() - startedAt) / 1000).toFixed(1)} s). Claiming ${M} at ${RATE}/s…`,
    );

    const latencies: number[] = [];
    let completed = 0;
    const claimOne = async (d: DeviceClient, cookie: string) => {
      const gotChallenge = new Promise<Challenge>((resolve) => challenges.set(d, resolve));
      const t0 = performance.now();
      const r = await fetch(`${BASE}/api/v1/claims`, {
        method: "POST",
        headers: { cookie, origin: BASE, "content-type": "application/json" }, // as a browser sends it
        body: JSON.stringify({ sid: d.session!.sid, pop: d.codeAt(0) }),
      });
      if (r.status !== 202) return fail(`claim ${r.status}`);
      const tPost = performance.now() - t0;
      const { claimId } = (await r.json()) as { claimId: string };
      const watching = fetch(`${BASE}/api/v1/claims/${claimId}?wait=25`, { headers: { cookie } }).then(
        (x) => x.json() as Promise<{ state: string }>,
      );
      let tCh = 0,
        tAns = 0;
      const answered = gotChallenge
        .then((ch) => {
          tCh = performance.now() - t0;
          return d.answer(ch);
        })
        .then((x) => {
          tAns = performance.now() - t0;
          return x;
        });
      const [view] = await Promise.all([watching, answered]);
      if (view.state !== "claimed") return fail(`claim ended ${view.state}`);
      latencies.push(performance.now() - t0);
      if (process.env.BENCH_DEBUG && performance.now() - t0 > 300)
        console.log(
          `slow: post ${tPost.toFixed(0)} challenge ${tCh.toFixed(0)} answered ${tAns.toFixed(0)} seen ${(performance.now() - t0).toFixed(0)} at +${((Date.now() - startedAt) / 1000).toFixed(1)}s`,
        );
      completed++;
    };
    const inflight: Promise<void>[] = [];
    const t0 = Date.now();
    for (let i = 0; i < Math.min(M, held); i++) {
      const due = t0 + (i * 1000) / RATE;
      if (due > Date.now()) await sleep(due - Date.now());
      inflight.push(claimOne(devices[i], cookies[i % USERS]).catch(() => fail("claim exception")));
    }
    await Promise.all(inflight);
    const stillPolling = polling;
    ctl.abort();
    await Promise.allSettled(loops);

    latencies.sort((a, b) => a - b);
    const cpu = os.cpus()[0]?.model ?? "unknown CPU";
    console.log("");
    console.log(
      `machine: ${os.cpus().length} cores (${cpu}), ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, PostgreSQL`,
    );
    console.log(`devices held:     ${held} of ${N}`);
    console.log(`claims completed: ${completed} of ${M}`);
    console.log(
      `errors:           ${errors}${errors ? ` (${[...errorKinds].map(([k, v]) => `${k}: ${v}`).join(", ")})` : ""}`,
    );
    if (latencies.length) {
      console.log(
        `claim latency:    p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, p99 ${pct(latencies, 99).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`,
      );
    }
    void stillPolling;
    if (errors > 0 || completed < Math.min(M, held)) process.exitCode = 1;
  } finally {
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
