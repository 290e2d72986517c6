// npm run bench:ingest -- [--devices N] [--batches B] [--items I] [--rounds R]
//
// Starts the built app on a fresh database of the local PostgreSQL, claims N devices (default
// 8) through the protocol, then measures two ways of putting the same rows into the same table
// with the same batch size and concurrency, alternating in R rounds (default 2) so both see the
// same machine load:
// - app: each device sends B signed batches (default 20) of I readings (default 1000) in
//   parallel; every answer's signature and response MAC is checked;
// - raw: N connections of postgres.js each run B batched INSERTs (`insert … values` of I rows)
//   straight into the measurements table.
// It prints both rates (items per second), the batch latencies, and app as a share of raw.
import postgres from "postgres";
import {
  alternateRounds,
  benchAccount,
  claimBenchDevices,
  insertRawRows,
  machineLine,
  opt,
  latencyLine,
  rawReadingRows,
  startBenchApp,
} from "./harness";

const N = opt("devices", 8);
const B = opt("batches", 20);
const I = opt("items", 1000);
const ROUNDS = opt("rounds", 2);
const PORT = Number(process.env.BENCH_PORT ?? 3291);

type Phase = { items: number; seconds: number; latencies: number[] };
const reading = (time: number, k: number) => ({
  property: "temperature",
  unit: "Cel",
  time,
  value: 20 + (k % 50) / 10,
});

async function main() {
  const app = await startBenchApp(PORT, {
    CLAIMLINK_DEVICES_PER_ACCOUNT: "100000",
    CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE: "100000",
  });
  try {
    const cookie = await benchAccount(app, "ingest@bench.example.org", "Ingest");
    const devices = await claimBenchDevices(app, cookie, N, { model: "bench-ingest" }, 1);

    // Readings one a second back in time; each phase of each round gets its own span, so every row is new.
    let nextStart = Math.floor(Date.now() / 1000) - 2 * ROUNDS * B * I - 60;
    const span = () => {
      const s0 = nextStart;
      nextStart += B * I;
      return s0;
    };

    const appPhase = async (): Promise<Phase> => {
      const start = span();
      const latencies: number[] = [];
      let items = 0;
      const t0 = performance.now();
      await Promise.all(
        devices.map(async (d) => {
          for (let b = 0; b < B; b++) {
            const measurements = Array.from({ length: I }, (_, k) => reading(start + b * I + k, k));
            const t = performance.now();
            const r = await d.signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements }));
            latencies.push(performance.now() - t);
            if (r.status !== 200) throw new Error(`batch refused: ${r.status} ${r.text}`);
            items += (r.body as { accepted: number }).accepted;
          }
        }),
      );
      return { items, seconds: (performance.now() - t0) / 1000, latencies };
    };

    const raw = postgres(app.env.DATABASE_URL!, { max: N, onnotice: () => {} });
    const ids = (await raw<{ id: string }[]>`select id from devices order by id`).map((r) => r.id);
    const rawPhase = async (): Promise<Phase> => {
      const start = span();
      const latencies: number[] = [];
      let items = 0;
      const t0 = performance.now();
      await Promise.all(
        ids.map(async (deviceId) => {
          for (let b = 0; b < B; b++) {
            const rows = rawReadingRows(
              deviceId,
              Array.from({ length: I }, (_, k) => reading(start + b * I + k, k)),
            );
            const t = performance.now();
            const stored = await insertRawRows(raw, rows);
            latencies.push(performance.now() - t);
            items += stored;
          }
        }),
      );
      return { items, seconds: (performance.now() - t0) / 1000, latencies };
    };

    let app_: Phase[] = [];
    let raw_: Phase[] = [];
    try {
      ({ app: app_, raw: raw_ } = await alternateRounds(ROUNDS, appPhase, rawPhase, (a, r, round) =>
        console.log(
          `round ${round + 1}: app ${Math.round(a.items / a.seconds)} items/s, raw ${Math.round(r.items / r.seconds)} items/s`,
        ),
      ));
    } finally {
      await raw.end({ timeout: 5 });
    }

    const total = (ps: Phase[]) => {
      const items = ps.reduce((n, p) => n + p.items, 0);
      const seconds = ps.reduce((n, p) => n + p.seconds, 0);
      const lat = ps.flatMap((p) => p.latencies).sort((a, b) => a - b);
      return { items, seconds, rate: items / seconds, lat };
    };
    const a = total(app_);
    const r = total(raw_);
    const line = (name: string, t: ReturnType<typeof total>) =>
      console.log(
        `${name} ${t.items} readings in ${t.seconds.toFixed(2)} s: ${Math.round(t.rate)} items/s; batch ${latencyLine(t.lat)}`,
      );
    console.log("");
    console.log(machineLine());
    console.log(`${N} devices × ${B} batches × ${I} readings, ${ROUNDS} rounds of each`);
    line("signed ingest through the app:", a);
    line("raw batched INSERT (postgres.js):", r);
    console.log(`app / raw: ${((100 * a.rate) / r.rate).toFixed(0)} %`);
  } finally {
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
