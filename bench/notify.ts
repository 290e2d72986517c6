// npm run bench:notify -- [--seconds S] [--senders K] [--listeners L]
//
// How many NOTIFYs per second PostgreSQL delivers on this machine, as the app sends them: K
// connections each commit `select pg_notify('claimlink_events', topic)` one after another
// (autocommit, as a claim's transaction does at its commit) for S seconds (default 5), while
// L connections (default 2, like two app processes) LISTEN and count what arrives. Prints the
// rate sent, the rate each listener received, and how far delivery lagged.
import os from "node:os";
import postgres from "postgres";

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SECONDS = opt("seconds", 5);
const SENDERS = opt("senders", 8);
const LISTENERS = opt("listeners", 2);
const URL = `${process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432"}/postgres`;

async function main() {
  const listeners = Array.from({ length: LISTENERS }, () => postgres(URL, { max: 1, onnotice: () => {} }));
  const received = listeners.map(() => 0);
  let lastArrival = 0;
  await Promise.all(
    listeners.map((l, i) =>
      l.listen("claimlink_events", () => {
        received[i]++;
        lastArrival = performance.now();
      }),
    ),
  );
  const sender = postgres(URL, { max: SENDERS, onnotice: () => {} });
  let sent = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: SENDERS }, async (_, k) => {
      for (let n = 0; performance.now() < until; n++) {
        await sender`select pg_notify('claimlink_events', ${`session:bench${k}-${n}`})`;
        sent++;
      }
    }),
  );
  const sentAt = performance.now();
  for (let i = 0; i < 100 && received.some((r) => r < sent); i++) await new Promise((r) => setTimeout(r, 50));
  const seconds = (sentAt - t0) / 1000;
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), load average ${os
      .loadavg()
      .map((x) => x.toFixed(2))
      .join(" ")}`,
  );
  console.log(
    `sent:     ${sent} NOTIFYs in ${seconds.toFixed(2)} s from ${SENDERS} connections: ${Math.round(sent / seconds)}/s`,
  );
  console.log(
    `received: ${received.join(", ")} by ${LISTENERS} listeners; the last arrived ${Math.max(0, lastArrival - sentAt).toFixed(0)} ms after the last was sent`,
  );
  await sender.end();
  await Promise.all(listeners.map((l) => l.end()));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
