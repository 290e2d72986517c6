import { spawnSync } from "node:child_process";
import { chownSync, mkdtempSync, rmSync } from "node:fs";
import net from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import postgres from "postgres";
import type { Challenge } from "../device/client";
import { claim, claimState, devicesOnPage, pollingDevice, signedInApi } from "./api";
import { startApp, type AppProcess } from "./app-process";
import { uniqueEmail } from "./helpers";

// A real PostgreSQL restart, not a stand-in: the test runs a PostgreSQL 15 cluster of its own
// (initdb and pg_ctl in a temporary directory, on a free port; never the machine's shared one)
// and restarts it in fast and immediate mode while devices long-poll, a claim is open and a
// device sends readings. It needs no DATABASE_URL, so it runs once (in the embedded run).
// The app uses E2E_PORT + 11.
test.skip(!!process.env.DATABASE_URL, "runs its own cluster: once, in the embedded run");

const PORT = Number(process.env.E2E_PORT ?? 3100) + 11;
const BIN = "/usr/lib/postgresql/15/bin";
// initdb and postgres refuse to run as root: as root, they run as the postgres user.
const AS_POSTGRES = process.getuid?.() === 0 ? ["runuser", "-u", "postgres", "--"] : [];

function sh(cmd: string, args: string[]) {
  const [exe, ...rest] = [...AS_POSTGRES, cmd, ...args];
  const r = spawnSync(exe, rest, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stdout} ${r.stderr}`);
}

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A private cluster: started, restarted in a mode, and always stopped (stop() is idempotent). */
async function startCluster() {
  const dir = mkdtempSync(path.join(tmpdir(), "claimlink-pg-"));
  if (AS_POSTGRES.length)
    chownSync(dir, Number(spawnSync("id", ["-u", "postgres"], { encoding: "utf8" }).stdout.trim()), -1);
  const port = await freePort();
  const data = path.join(dir, "data");
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1`;
  sh(`${BIN}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres"]);
  const ctl = (...args: string[]) => sh(`${BIN}/pg_ctl`, ["-D", data, "-l", path.join(dir, "log"), "-w", ...args]);
  ctl("start", "-o", opts);
  let running = true;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/claimlink`,
    admin: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: (mode: "fast" | "immediate") => ctl("restart", "-m", mode, "-o", opts),
    stop() {
      if (running) {
        running = false;
        try {
          ctl("stop", "-m", "immediate");
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    },
  };
}

let cluster: Awaited<ReturnType<typeof startCluster>> | null = null;
let app: AppProcess | null = null;
test.afterAll(async () => {
  await app?.stop();
  cluster?.stop();
});

/** Every answer the app gave the test's devices: a 5xx other than 503 database_unavailable is a failure. */
const answers: string[] = [];
const realFetch = globalThis.fetch;
test.beforeAll(() => {
  globalThis.fetch = async (input, init) => {
    const r = await realFetch(input, init);
    const url = String(input instanceof Request ? input.url : input);
    if (r.status >= 500 && url.includes(`:${PORT}/`)) {
      const code = await r
        .clone()
        .json()
        .then(
          (b: { code?: string }) => b.code,
          () => "no problem+json",
        );
      answers.push(`${r.status} ${code} ${new URL(url).pathname}`);
    }
    return r;
  };
});
test.afterAll(() => {
  globalThis.fetch = realFetch;
});

function cli(url: string, email: string, password: string) {
  const r = spawnSync(
    process.execPath,
    [
      path.resolve("node_modules/tsx/dist/cli.mjs"),
      "cli/index.ts",
      "users",
      "add",
      email,
      "--name",
      "Pat",
      "--role",
      "participant",
    ],
    { env: { ...process.env, DATABASE_URL: url, CLAIMLINK_PASSWORD: password }, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`cli failed: ${r.stdout} ${r.stderr}`);
  return { email, password };
}

async function healthy(base: string) {
  await expect
    .poll(async () => (await realFetch(`${base}/api/health`).catch(() => null))?.status, { timeout: 60_000 })
    .toBe(200);
}

for (const mode of ["fast", "immediate"] as const) {
  test(`PostgreSQL restarted (${mode}) while devices long-poll, a claim is open and readings arrive: nothing acknowledged is lost, one device, polls wake`, async () => {
    test.setTimeout(240_000);
    if (!cluster) {
      cluster = await startCluster();
      const admin = postgres(cluster.admin, { max: 1, onnotice: () => {} });
      await admin.unsafe("create database claimlink");
      await admin.end();
      app = await startApp(PORT, { DATABASE_URL: cluster.url });
    }
    const base = app!.base;
    answers.length = 0;

    // A device already claimed sends readings without pause; only acknowledged ones must survive.
    const sender = cli(cluster.url, uniqueEmail("sender"), "participant pw 123");
    const senderApi = await signedInApi(sender.email, sender.password, base);
    const s = await pollingDevice(base, "restart-room");
    const sc = await claim(senderApi, { sid: s.device.session!.sid, pop: s.device.codeAt(0) });
    expect(sc.status).toBe(202);
    expect(await s.device.answer((await s.poll) as Challenge)).toMatchObject({ state: "claimed" });
    const acknowledged: string[] = [];
    let sending = true;
    let n = 0;
    const ingest = (async () => {
      while (sending) {
        const k = n++;
        const body = JSON.stringify({
          measurements: [{ property: `r${k}`, time: Math.floor(Date.now() / 1000) - 60, value: k }],
        });
        const r = await s.device.signed("POST", "/api/v1/devices/me/measurements", body).catch(() => null);
        if (r?.status === 200) acknowledged.push(`r${k}`);
        else await new Promise((w) => setTimeout(w, 100));
      }
    })();

    // Devices long-polling, and one claim open: challenged, not yet answered.
    const { email, password } = cli(cluster.url, uniqueEmail("restart"), "participant pw 123");
    const api = await signedInApi(email, password, base);
    const others = [await pollingDevice(base, "restart-room"), await pollingDevice(base, "restart-room")];
    const open = await pollingDevice(base, "restart-room");
    const c = await claim(api, { sid: open.device.session!.sid, pop: open.device.codeAt(0) });
    expect(c.status).toBe(202);
    const ch = (await open.poll) as Challenge;
    expect(ch.state).toBe("challenge");
    await expect.poll(() => acknowledged.length).toBeGreaterThan(5);

    // The restart, with the device answering the claim while it happens.
    const started = async () => {
      const admin = postgres(cluster!.admin, { max: 1, onnotice: () => {} });
      const [row] = await admin<{ at: Date }[]>`select pg_postmaster_start_time() as at`;
      await admin.end();
      return row.at.getTime();
    };
    const before = await started();
    const answering = open.device.answer(ch).catch((e: Error) => e);
    cluster.restart(mode);
    expect(await started()).toBeGreaterThan(before); // a real restart: a new postmaster
    await healthy(base);
    const answered = await answering;
    await expect.poll(() => acknowledged.length, { timeout: 30_000 }).toBeGreaterThan(acknowledged.length + 5);
    sending = false;
    await ingest;

    // Every acknowledged reading is stored.
    const series = (await (
      await senderApi.get(`/api/v1/devices/${s.device.credential!.deviceId}/series?range=24h`)
    ).json()) as { series: { property: string }[] };
    const stored = new Set(series.series.map((x) => x.property));
    const lost = acknowledged.filter((p) => !stored.has(p));
    expect(lost, `${lost.length} of ${acknowledged.length} acknowledged readings lost`).toEqual([]);

    // The open claim ended claimed or failed, never half; then exactly one device.
    const ended = await claimState(api, c.body.claimId, 10);
    expect(["claimed", "failed"]).toContain(ended.body.state);
    if (ended.body.state === "claimed") {
      expect(answered).toMatchObject({ state: "claimed" });
    } else {
      expect(open.device.credential).toBeNull();
      const again = await pollingDevice(base, "restart-room");
      const c2 = await claim(api, { sid: again.device.session!.sid, pop: again.device.codeAt(0) });
      expect(c2.status).toBe(202);
      expect(await again.device.answer((await again.poll) as Challenge)).toMatchObject({ state: "claimed" });
      open.device.credential = again.device.credential;
    }
    expect(await devicesOnPage(api)).toEqual([open.device.credential!.deviceId]);
    expect((await open.device.signed("GET", "/api/v1/devices/me")).status).toBe(200);

    // Polls wake after recovery: a claim made now wakes its device within a second.
    const target = others[0];
    const pending = Symbol("pending");
    if ((await Promise.race([target.poll, Promise.resolve(pending)])) !== pending) {
      await target.device.poll(0);
      target.poll = target.device.poll(25).catch((e: Error) => e);
    }
    await new Promise((r) => setTimeout(r, 200));
    const c3 = await claim(api, { sid: target.device.session!.sid, pop: target.device.codeAt(0) });
    expect(c3.status).toBe(202);
    const claimedAt = Date.now();
    expect(await target.poll).toMatchObject({ state: "challenge" });
    expect(Date.now() - claimedAt).toBeLessThan(1000);

    // No 5xx but 503 database_unavailable, during the restart or after it.
    expect(answers.filter((a) => !a.startsWith("503 database_unavailable"))).toEqual([]);
  });
}
