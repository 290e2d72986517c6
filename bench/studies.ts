// npm run bench:studies -- [--readings N] [--participants P] [--db postgres|pglite|both] [--batch B]
//
// The time and peak memory of exporting and of erasing a study of N readings (default 1,000,000)
// from P participants (default 100, one device each), on PostgreSQL (a fresh database on
// BENCH_PG, default postgres://postgres@127.0.0.1:5432, dropped afterwards) and on an in-memory
// PGlite. The study, its consent and its participants are made through the use cases; the
// devices and readings are inserted directly (generate_series), which is not what is measured.
// Export: the whole zip read from its web stream and counted. Erasure: every participant
// withdraws (policy erase) and the erasures run to completion in batches of B readings (default
// ERASURE_BATCH_ROWS). Memory is the process's RSS and heap sampled every 20 ms: on PGlite the
// database lives in the same process, so its RSS holds the database too; compare with the
// figure before the step.
import os from "node:os";
import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { keyringOf } from "../lib/crypto/seal";
import { openDatabase, type Database } from "../lib/db/client";
import { devices, users } from "../lib/db/schema";
import { newId } from "../lib/ids";
import { studyReader } from "../lib/studies/access";
import { consentToStudy } from "../lib/studies/consent";
import { reviseConsent } from "../lib/studies/consent-versions";
import { inviteToStudy } from "../lib/studies/enrol";
import { ERASURE_BATCH_ROWS, runErasure } from "../lib/studies/erasure";
import { exportStudy } from "../lib/studies/export";
import { createStudySchema } from "../lib/studies/schemas";
import { changeStudyStatus, createStudy } from "../lib/studies/studies";
import { withdrawFromStudy } from "../lib/studies/withdraw";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const READINGS = Number(opt("readings", "1000000"));
const PARTICIPANTS = Number(opt("participants", "100"));
const WHICH = opt("db", "both");
const BATCH = Number(opt("batch", String(ERASURE_BATCH_ROWS)));
const PG = process.env.BENCH_PG ?? "postgres://postgres@127.0.0.1:5432";

const load = () =>
  os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");
const mib = (b: number) => `${(b / 1048576).toFixed(0)} MiB`;

/** Runs `fn`, sampling memory; returns its result with the time and the peak RSS and heap. */
async function measured<T>(fn: () => Promise<T>) {
  const before = process.memoryUsage();
  let peakRss = before.rss;
  let peakHeap = before.heapUsed;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    peakRss = Math.max(peakRss, m.rss);
    peakHeap = Math.max(peakHeap, m.heapUsed);
  }, 20);
  const t0 = performance.now();
  try {
    const result = await fn();
    return { result, seconds: (performance.now() - t0) / 1000, before, peakRss, peakHeap };
  } finally {
    clearInterval(timer);
  }
}

async function run(database: Database, label: string) {
  const db = database.db;
  const keys = keyringOf([randomBytes(32)]);
  const staffId = newId("usr");
  await db.insert(users).values({
    id: staffId,
    email: `bench-staff-${staffId.toLowerCase()}@example.org`,
    name: "Bench",
    role: "staff",
    passwordHash: "x",
  });
  const staff = { id: staffId, label: "bench", ip: null };
  const study = await createStudy(
    db,
    staff,
    keys,
    createStudySchema.parse({
      name: { en: "Bench study" },
      description: { en: "Benchmark" },
      contactEmail: "bench@example.org",
      startsOn: "2026-01-01",
      endsOn: "2027-12-31",
      dataPolicy: "erase",
    }),
  );
  const { version } = await reviseConsent(db, staff, study.id, { text: { en: "Consent" }, requiresReconsent: false });
  await changeStudyStatus(db, staff, study.id, "recruiting");
  const people: { id: string; label: string; ip: null }[] = [];
  const perDevice = Math.ceil(READINGS / PARTICIPANTS);
  const t0 = performance.now();
  for (let i = 0; i < PARTICIPANTS; i++) {
    const id = newId("usr");
    const email = `bench-${id.toLowerCase()}@example.org`;
    await db.insert(users).values({ id, email, name: `Bench ${i}`, role: "participant", passwordHash: "x" });
    await inviteToStudy(
      db,
      staff,
      { email, name: "B", role: "participant", studyId: study.id },
      { days: 7, publicUrl: "https://bench.example" },
    );
    const p = { id, label: email, ip: null };
    await consentToStudy(db, p, study.id, version.id);
    const deviceId = newId("dev");
    await db
      .insert(devices)
      .values({ id: deviceId, ownerId: id, name: `d${i}`, model: "bench", firmware: "1.0", studyId: study.id });
    const n = Math.min(perDevice, READINGS - i * perDevice);
    if (n > 0)
      await db.execute(sql`
        insert into measurements (device_id, property, time, unit, value)
        select ${deviceId}, case when g % 2 = 0 then 'temperature' else 'rh' end,
               to_timestamp(1780000000 + g * 60), 'Cel', 20 + (g % 97) / 10.0
          from generate_series(0, ${n - 1}) as g`);
    people.push(p);
  }
  console.log(
    `[${label}] set up ${PARTICIPANTS} participants and ${READINGS} readings in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  const reader = await studyReader(db, { id: staffId, role: "staff" }, study.id);
  console.log(`[${label}] export: load average ${load()}`);
  const ex = await measured(async () => {
    const { body } = await exportStudy(db, keys, staff, reader);
    let bytes = 0;
    const r = body.getReader();
    for (;;) {
      const { done, value } = await r.read();
      if (done) return bytes;
      bytes += value.byteLength;
    }
  });
  console.log(
    `[${label}] export: ${ex.seconds.toFixed(1)} s, ${(ex.result / 1048576).toFixed(1)} MiB zip, ${Math.round(READINGS / ex.seconds)} readings/s; ` +
      `RSS ${mib(ex.before.rss)} before, peak ${mib(ex.peakRss)}; heap ${mib(ex.before.heapUsed)} before, peak ${mib(ex.peakHeap)}`,
  );

  console.log(`[${label}] erase: load average ${load()}`);
  const er = await measured(async () => {
    let batches = 0;
    for (const p of people) {
      const w = await withdrawFromStudy(db, p, study.id, p.id);
      const r = await runErasure(db, w.erasureId!, BATCH);
      if (!r.done) throw new Error("erasure did not finish");
      batches += Math.ceil(r.deleted / BATCH) || 1;
    }
    const left = await db.execute(
      sql`select count(*) as n from measurements m join devices d on d.id = m.device_id where d.study_id = ${study.id}`,
    );
    return { batches, left: Number(((left as { rows?: { n: number }[] }).rows ?? (left as { n: number }[]))[0].n) };
  });
  console.log(
    `[${label}] erase: ${er.seconds.toFixed(1)} s for ${PARTICIPANTS} withdrawals and about ${er.result.batches} batches of at most ${BATCH}, ` +
      `${Math.round(READINGS / er.seconds)} readings/s, ${er.result.left} left; RSS ${mib(er.before.rss)} before, peak ${mib(er.peakRss)}; ` +
      `heap ${mib(er.before.heapUsed)} before, peak ${mib(er.peakHeap)}`,
  );
}

async function main() {
  console.log(
    `machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? "unknown CPU"}), node ${process.version}, load average ${load()}`,
  );
  if (WHICH === "postgres" || WHICH === "both") {
    const name = `studies_bench_${Date.now()}`;
    const admin = postgres(`${PG}/postgres`, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    try {
      const database = await openDatabase({ driver: "postgres", url: `${PG}/${name}`, max: 4 });
      try {
        await run(database, "postgres");
      } finally {
        await database.close();
      }
    } finally {
      await admin.unsafe(`drop database if exists ${name}`);
      await admin.end();
    }
  }
  if (WHICH === "pglite" || WHICH === "both") {
    const database = await openDatabase({ driver: "pglite", dataDir: null });
    try {
      await run(database, "pglite");
    } finally {
      await database.close();
    }
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
