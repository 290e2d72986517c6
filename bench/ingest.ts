// npm run bench:ingest -- [--devices N] [--batches B] [--items I]
//
// Starts the built app on a fresh database of the local PostgreSQL, claims N devices (default
// 8) through the protocol, then has each send B signed batches (default 20) of I readings
// (default 1000) in parallel, and prints the signed-ingest rate (items per second) and the
// latency of one batch (request to verified answer). Every answer's response MAC is checked.
import { DeviceClient, type Challenge } from "../device/client";
import { pct, sleep, startBenchApp } from "./harness";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const N = opt("devices", 8);
const B = opt("batches", 20);
const I = opt("items", 1000);
const PORT = 3291;

async function claim(base: string, d: DeviceClient, cookie: string) {
  await d.startSession();
  const polled = d.poll(25);
  await sleep(100);
  const r = await fetch(`${base}/api/v1/claims`, {
    method: "POST",
    headers: { cookie, origin: base, "content-type": "application/json" },
    body: JSON.stringify({ sid: d.session!.sid, pop: d.codeAt(0) }),
  });
  if (r.status !== 202) throw new Error(`claim refused: ${r.status} ${await r.text()}`);
  const ch = (await polled) as Challenge;
  if ((await d.answer(ch)).state !== "claimed") throw new Error("not claimed");
}

async function main() {
  const app = await startBenchApp(PORT, {
    CLAIMLINK_DEVICES_PER_ACCOUNT: "100000",
    CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE: "100000",
  });
  try {
    const email = "ingest@bench.example.org";
    const password = "bench password 1";
    app.addUser(email, "Ingest", password);
    const cookie = await app.signIn(email, password);
    const devices = Array.from({ length: N }, () => new DeviceClient(app.base, null, { model: "bench-ingest" }));
    for (const d of devices) await claim(app.base, d, cookie);

    const start = Math.floor(Date.now() / 1000) - B * I; // one reading a second, back in time
    const latencies: number[] = [];
    let accepted = 0;
    const t0 = performance.now();
    await Promise.all(
      devices.map(async (d) => {
        for (let b = 0; b < B; b++) {
          const measurements = Array.from({ length: I }, (_, k) => ({
            property: "temperature",
            unit: "Cel",
            time: start + b * I + k,
            value: 20 + (k % 50) / 10,
          }));
          const t = performance.now();
          const r = await d.signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements }));
          latencies.push(performance.now() - t);
          if (r.status !== 200) throw new Error(`batch refused: ${r.status} ${r.text}`);
          accepted += (r.body as { accepted: number }).accepted;
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    latencies.sort((a, b) => a - b);
    console.log(
      `Signed ingest: ${N} devices × ${B} batches × ${I} readings = ${accepted} stored in ${seconds.toFixed(2)} s`,
    );
    console.log(`  rate ${Math.round(accepted / seconds)} items/s`);
    console.log(
      `  batch latency p50 ${pct(latencies, 50).toFixed(1)} ms, p95 ${pct(latencies, 95).toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms`,
    );
  } finally {
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
