#!/usr/bin/env node
// End to end: the C device (claimlink-device) against a running Claimlink app.
//
//   CLAIMLINK_URL=http://localhost:3900 CLAIMLINK_DATA_DIR=/tmp/fw-data node firmware/scripts/e2e.mjs
//
// A user signs in and claims the device with the PoP from the QR line the C program printed;
// the device sends signed readings, staff queue `identify` (acknowledged) and `reprovision`;
// the owner claims the new session and the device keeps its id; staff revoke it and the device,
// on that authenticated refusal, drops its credential and shows a new QR. Node built-ins only.
//
// Environment:
//   CLAIMLINK_URL          the app's base URL (required); the device's claim origin too
//   CLAIMLINK_DEVICE_BIN   the program (default firmware/build-mbedtls/claimlink-device)
//   CLAIMLINK_VALGRIND=1   run it under valgrind; any leak or invalid access fails the run
//   CLAIMLINK_PINS         comma-separated b64url public keys to pin (--pin); "auto": every
//                          current and next key of the app's /.well-known/claimlink
//   CLAIMLINK_APP_DIR      the app checkout whose CLI creates the accounts (default: this repo)
//   CLAIMLINK_DATA_DIR / DATABASE_URL   as the running app has them, for that CLI
//   CLAIMLINK_STAFF_EMAIL, CLAIMLINK_STAFF_PASSWORD   an existing staff account (else one is created)
//
// From a Playwright spec (e2e/firmware.spec.ts, by dynamic import): `hasValgrind`, `buildDevice`,
// `publishedPins`, `startDevice`, `signIn`, `claimFromQr` and `runDeviceE2E({ base, dataDir,
// pins, bin, valgrind })`, which throws on the first failed expectation. Types: e2e.d.mts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const firmware = path.resolve(here, "..");
/** The host program's line once a device holds its credential: claimed now, or loaded from its state file. */
const CLAIMED_OR_LOADED = /^Claimed as "(?:.*)" \((dev_[A-Za-z0-9_-]+)\)|^Credential \S+ for device (dev_[A-Za-z0-9_-]+) loaded/;

function log(line) {
  console.log(`[e2e] ${line}`);
}

function assert(cond, message) {
  if (!cond) throw new Error(message);
}

/** Creates an account with the app's operator CLI (as e2e/helpers.ts does). */
export function createAccount({ appDir, base, dataDir, email, role, password }) {
  const env = { ...process.env, PORT: new URL(base).port || "80", CLAIMLINK_PASSWORD: password };
  if (dataDir) env.CLAIMLINK_DATA_DIR = dataDir;
  const r = spawnSync(
    process.execPath,
    [
      path.join(appDir, "node_modules/tsx/dist/cli.mjs"),
      "cli/index.ts",
      "users",
      "add",
      email,
      "--name",
      role === "staff" ? "Sam Staff" : "Pat Firmware",
      "--role",
      role,
    ],
    { cwd: appDir, env, encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`cli users add failed (${r.status}): ${r.stdout} ${r.stderr}`);
  return { email, password };
}

/** A signed-in API client: next-auth's credentials sign-in, cookies kept by hand. */
export async function signIn(base, { email, password }) {
  const jar = new Map();
  const keep = (res) => {
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const i = pair.indexOf("=");
      jar.set(pair.slice(0, i), pair.slice(i + 1));
    }
  };
  const cookie = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const csrfRes = await fetch(`${base}/api/auth/csrf`);
  keep(csrfRes);
  const { csrfToken } = await csrfRes.json();
  const res = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: cookie(), origin: base },
    body: new URLSearchParams({ csrfToken, email, password }),
    redirect: "manual",
  });
  keep(res);
  assert(res.status === 302 && !(res.headers.get("location") ?? "").includes("error"), `sign-in failed for ${email}`);
  return async (method, p, body, { raw = false } = {}) => {
    const r = await fetch(`${base}${p}`, {
      method,
      headers: { cookie: cookie(), origin: base, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: raw ? text : text ? JSON.parse(text) : null };
  };
}

/** The device's stdout, line by line, with waits for a pattern after a cursor. */
function lineReader(child, echo, tag = "device") {
  const lines = [];
  const waiters = new Set();
  let partial = "";
  let exited = null;
  const onData = (chunk) => {
    partial += chunk.toString("utf8");
    let i;
    while ((i = partial.indexOf("\n")) >= 0) {
      const line = partial.slice(0, i).replace(/\r$/, "");
      partial = partial.slice(i + 1);
      lines.push(line);
      if (echo) console.log(`[${tag}] ${line}`);
      for (const w of waiters) w();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", (c) => process.stderr.write(`[${tag}:err] ${c}`));
  child.on("exit", (code, signal) => {
    exited = { code, signal };
    for (const w of waiters) w();
  });
  let cursor = 0;
  return {
    lines,
    exit: () => exited,
    /** Resolves with how the process ended (code, signal). */
    exited(timeoutMs, what) {
      return new Promise((resolve, reject) => {
        if (exited) return resolve(exited);
        const timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
        child.once("exit", (code, signal) => {
          clearTimeout(timer);
          resolve({ code, signal });
        });
      });
    },
    /** Resolves with the first match of re in a line after the cursor, and moves the cursor past it. */
    waitFor(re, timeoutMs, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          for (let k = cursor; k < lines.length; k++) {
            const m = lines[k].match(re);
            if (m) {
              cursor = k + 1;
              done();
              resolve(m);
              return;
            }
          }
          if (exited) {
            done();
            reject(new Error(`device exited (${JSON.stringify(exited)}) before ${what}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
  };
}

/** Claims what the QR line shows and waits for the claim to finish; returns the device id. */
export async function claimFromQr(api, base, qrUrl) {
  const prefix = `${base}/claim#`;
  assert(qrUrl.startsWith(prefix), `QR link ${qrUrl} is not ${prefix}...`);
  const [sid, pop] = qrUrl.slice(prefix.length).split(".");
  assert(/^[A-Z2-7]{26}$/.test(sid) && /^[A-Z2-7]{26}$/.test(pop), `QR fragment ${sid}.${pop} is not sid.PoP`);
  // The QR is printed just before the device's first long poll opens; until then the server
  // answers device_offline (ONLINE_WINDOW), so retry that one refusal briefly.
  let c;
  for (let attempt = 0; attempt < 40; attempt++) {
    c = await api("POST", "/api/v1/claims", { sid, pop });
    if (c.status !== 409 || c.body?.code !== "device_offline") break;
    await new Promise((r) => setTimeout(r, 250));
  }
  assert(c.status === 202, `claim refused: ${c.status} ${JSON.stringify(c.body)}`);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const s = await api("GET", `/api/v1/claims/${c.body.claimId}?wait=25`);
    assert(s.status === 200, `claim state: ${s.status} ${JSON.stringify(s.body)}`);
    if (s.body.state === "claimed") return s.body.deviceId;
    assert(s.body.state !== "failed", `claim failed: ${JSON.stringify(s.body)}`);
  }
  throw new Error("claim did not finish within 60 s");
}

/** True when valgrind is installed (the device then runs under it). */
export function hasValgrind() {
  return spawnSync("sh", ["-c", "command -v valgrind"], { stdio: "ignore" }).status === 0;
}

/** Builds claimlink-device with the mbedTLS backend into buildDir; returns the program's path. */
export function buildDevice(buildDir = path.join(firmware, "build-mbedtls")) {
  const run = (args) => {
    const r = spawnSync("cmake", args, { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`cmake ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  };
  run(["-S", firmware, "-B", buildDir, "-DCLAIMLINK_CRYPTO=mbedtls", "-DCMAKE_BUILD_TYPE=RelWithDebInfo"]);
  run(["--build", buildDir, "-j", "4", "--target", "claimlink-device"]);
  return path.join(buildDir, "claimlink-device");
}

/**
 * The keys to pin: every `current` and `next` key the app publishes. A test reads them from the
 * app it runs against; real firmware copies them at build time over verified TLS (section 6).
 */
export async function publishedPins(base) {
  const r = await fetch(`${base}/.well-known/claimlink`);
  assert(r.status === 200, `/.well-known/claimlink: ${r.status}`);
  const doc = await r.json();
  const keys = doc.keys.filter((k) => k.use === "current" || k.use === "next").map((k) => k.publicKey);
  assert(keys.length > 0, "the app publishes no current key");
  return keys;
}

/**
 * Starts claimlink-device (under valgrind when asked) with its stdout readable line by line.
 * stop() sends SIGTERM and resolves with how it exited; 99 is valgrind's "errors found".
 */
export function startDevice({ bin, args, valgrind = false, echo = true, env = {}, tag = "device" }) {
  const cmd = valgrind
    ? [
        "valgrind",
        "--error-exitcode=99",
        "--leak-check=full",
        "--errors-for-leak-kinds=definite,indirect,possible",
        "--track-fds=no",
        "-q",
        bin,
        ...args,
      ]
    : [bin, ...args];
  log(`starting ${cmd.join(" ")}`);
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } });
  const out = lineReader(child, echo, tag);
  return {
    ...out,
    async stop() {
      if (!out.exit()) child.kill("SIGTERM");
      await new Promise((resolve) => (out.exit() ? resolve() : child.once("exit", resolve)));
      return out.exit();
    },
  };
}

export async function runDeviceE2E(opts = {}) {
  const base = (opts.base ?? process.env.CLAIMLINK_URL ?? "").replace(/\/+$/, "");
  assert(base, "set CLAIMLINK_URL to the running app's base URL");
  const bin = opts.bin ?? process.env.CLAIMLINK_DEVICE_BIN ?? path.join(firmware, "build-mbedtls", "claimlink-device");
  const valgrind = opts.valgrind ?? process.env.CLAIMLINK_VALGRIND === "1";
  const appDir = opts.appDir ?? process.env.CLAIMLINK_APP_DIR ?? path.resolve(firmware, "..");
  const dataDir = opts.dataDir ?? process.env.CLAIMLINK_DATA_DIR;
  let pins = opts.pins ?? (process.env.CLAIMLINK_PINS ?? "").split(",").filter(Boolean);
  if (pins.length === 1 && pins[0] === "auto") pins = await publishedPins(base);
  const slow = valgrind ? 3 : 1;
  const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;

  const owner = createAccount({
    appDir,
    base,
    dataDir,
    email: `fw.${tag}@e2e.example.org`,
    role: "participant",
    password: "firmware pw 123",
  });
  const staffAccount =
    opts.staff ??
    (process.env.CLAIMLINK_STAFF_EMAIL && process.env.CLAIMLINK_STAFF_PASSWORD
      ? { email: process.env.CLAIMLINK_STAFF_EMAIL, password: process.env.CLAIMLINK_STAFF_PASSWORD }
      : createAccount({
          appDir,
          base,
          dataDir,
          email: `fw-staff.${tag}@e2e.example.org`,
          role: "staff",
          password: "firmware staff pw 123",
        }));
  const api = await signIn(base, owner);
  const staff = await signIn(base, staffAccount);
  log(`accounts ${owner.email} (owner) and ${staffAccount.email} (staff) signed in`);

  const work = mkdtempSync(path.join(tmpdir(), "claimlink-device-"));
  const args = [
    "--server",
    base,
    "--state",
    path.join(work, "state"),
    "--model",
    "c-room",
    "--firmware",
    "c-1.1",
    "--interval",
    "1",
    "--no-qr-art",
    ...pins.flatMap((k) => ["--pin", k]),
  ];
  const out = startDevice({ bin, args, valgrind, echo: opts.echo ?? true });
  let deviceId;
  try {
    // 1. Claim with the PoP from the QR line the C program printed.
    const [, qr1] = await out.waitFor(/^QR: (\S+)$/, 20_000 * slow, "the first QR line");
    deviceId = await claimFromQr(api, base, qr1);
    const [, , claimedId] = await out.waitFor(/^Claimed as "(.*)" \((dev_[A-Za-z0-9_-]+)\)/, 20_000 * slow, "claimed");
    assert(claimedId === deviceId, `device says ${claimedId}, server says ${deviceId}`);
    log(`claimed: ${deviceId}`);

    // 2. Signed readings arrive.
    await out.waitFor(/Sent 3 readings: 3 accepted/, 20_000 * slow, "readings accepted");
    const series = await api("GET", `/api/v1/devices/${deviceId}/series?range=24h`);
    assert(series.status === 200, `series: ${series.status}`);
    const props = series.body.series.map((s) => s.property).sort();
    assert(
      ["co2", "relative_humidity", "temperature"].every((p) => props.includes(p)),
      `series has ${props.join(", ")}`,
    );
    log(`readings stored: ${props.join(", ")}`);

    // 3. identify: queued by staff, acknowledged by the device.
    const identify = await staff("POST", `/api/v1/staff/devices/${deviceId}/commands`, { type: "identify" });
    assert(identify.status === 201, `queue identify: ${identify.status} ${JSON.stringify(identify.body)}`);
    await out.waitFor(new RegExp(`^Acknowledged identify \\(${identify.body.id}\\)$`), 20_000 * slow, "identify ack");
    log(`identify ${identify.body.id} acknowledged`);

    // 4. reprovision: the device starts a signed session; the owner claims it; same device id.
    const re = await staff("POST", `/api/v1/staff/devices/${deviceId}/commands`, { type: "reprovision" });
    assert(re.status === 201, `queue reprovision: ${re.status} ${JSON.stringify(re.body)}`);
    await out.waitFor(new RegExp(`^Acknowledged reprovision \\(${re.body.id}\\)$`), 20_000 * slow, "reprovision ack");
    const [, qr2] = await out.waitFor(/^QR: (\S+)$/, 20_000 * slow, "the re-provisioning QR line");
    const again = await claimFromQr(api, base, qr2);
    assert(again === deviceId, `re-provisioned as ${again}, was ${deviceId}`);
    const [, , reId] = await out.waitFor(/^Re-provisioned as "(.*)" \((dev_[A-Za-z0-9_-]+)\)/, 20_000 * slow, "re-provisioned");
    assert(reId === deviceId, `device says ${reId} after re-provisioning, was ${deviceId}`);
    await out.waitFor(/Sent 3 readings: 3 accepted/, 20_000 * slow, "readings with the new credential");
    log(`re-provisioned, same device id ${deviceId}, new credential works`);

    // 5. Staff revoke the device: the refusal carries a valid response MAC, so the device may
    //    forget its credential (section 3, 1.1), and it shows a new QR to be claimed again.
    const revoke = await staff("POST", `/api/v1/staff/devices/${deviceId}/revoke`);
    assert(revoke.status === 200, `revoke: ${revoke.status} ${JSON.stringify(revoke.body)}`);
    await out.waitFor(/credential is credential_revoked \(authenticated answer\): forgetting it/, 20_000 * slow, "revocation");
    await out.waitFor(/^QR: (\S+)$/, 20_000 * slow, "a new QR after the revocation");
    log("revoked: the device dropped its credential on the authenticated refusal and shows a new QR");

    // Every answer of the real server verified: with pins, each one's signature (section 6).
    assert(out.lines[0]?.includes(`${pins.length} pinned key(s)`), `first line: ${out.lines[0]}`);
    const refused = out.lines.filter((l) => l.startsWith("Not acting on the answer"));
    assert(refused.length === 0, `the device refused answers of the real server: ${refused.join(" | ")}`);
  } finally {
    await out.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const { code, signal } = out.exit();
  assert(code === 0, `device exited with ${code ?? signal}${code === 99 ? " (valgrind reported errors)" : ""}`);
  log(`device stopped cleanly${valgrind ? " (valgrind: no leak or invalid access)" : ""}`);
  return { deviceId, pins: pins.length, valgrind };
}


/** One claim of what a QR line shows: the device id, or null when the claim failed (a device that lost its power mid-claim). */
export async function claimOnce(api, base, qrUrl) {
  const [sid, pop] = qrUrl.slice(`${base}/claim#`.length).split(".");
  let c;
  for (let attempt = 0; attempt < 40; attempt++) {
    c = await api("POST", "/api/v1/claims", { sid, pop });
    if (c.status !== 409 || c.body?.code !== "device_offline") break;
    await new Promise((r) => setTimeout(r, 250));
  }
  if (c.status !== 202) return null; // the session is gone (the device restarted with another)
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const s = await api("GET", `/api/v1/claims/${c.body.claimId}?wait=25`);
    assert(s.status === 200, `claim state: ${s.status} ${JSON.stringify(s.body)}`);
    if (s.body.state === "claimed") return s.body.deviceId;
    if (s.body.state === "failed") return null;
  }
  throw new Error("claim did not finish within 60 s");
}

/** The readings a device queued ("Queued 3 readings at T"), as unix seconds. */
function queuedTimes(...devices) {
  return devices.flatMap((d) => d.lines.map((l) => l.match(/^Queued 3 readings at (\d+)$/)?.[1]).filter(Boolean).map(Number));
}

/** The device's temperature readings the server stored, as unix seconds (the owner's CSV export). */
async function storedTimes(api, deviceId) {
  const r = await api("GET", `/api/v1/devices/${deviceId}/export`, undefined, { raw: true });
  assert(r.status === 200, `export: ${r.status}`);
  return r.body
    .split("\n")
    .slice(1)
    .filter((l) => l.includes(",temperature,"))
    .map((l) => Date.parse(l.split(",")[0]) / 1000);
}

/** The owner's device records (the staff fleet page filtered by owner). */
async function ownedCount(staff, email) {
  const r = await staff("GET", `/api/v1/staff/devices?limit=200&owner=${encodeURIComponent(email)}`);
  assert(r.status === 200, `fleet: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.devices.filter((d) => d.ownerEmail === email).length;
}

/**
 * Claims every QR the device shows until `done` matches a line (the claim, or the re-provision,
 * finished): a device restarted mid-claim may show a new session, and a claim of a session it
 * no longer serves fails (timeout) and is tried again with the next QR.
 */
async function claimUntil(dev, api, base, done, timeoutMs, what) {
  const deadline = Date.now() + timeoutMs;
  const re = new RegExp(`${done.source}|^QR: (\\S+)$`);
  for (;;) {
    const m = await dev.waitFor(re, Math.max(1000, deadline - Date.now()), what);
    const qr = m[m.length - 1];
    if (!qr || !qr.startsWith(base)) return m;
    await claimOnce(api, base, qr);
  }
}

/** After the run: every reading the device queued is stored exactly once, none lost. */
async function expectReadings(api, deviceId, devices, label) {
  const queued = [...new Set(queuedTimes(...devices))].sort();
  const stored = await storedTimes(api, deviceId);
  const counts = new Map();
  for (const t of stored) counts.set(t, (counts.get(t) ?? 0) + 1);
  const lost = queued.filter((t) => !counts.has(t));
  const doubled = [...counts].filter(([, n]) => n > 1).map(([t]) => t);
  assert(lost.length === 0, `${label}: readings lost: ${lost.join(", ")} (stored ${stored.length})`);
  assert(doubled.length === 0, `${label}: readings stored twice: ${doubled.join(", ")}`);
  return queued.length;
}

export const CLAIM_CUTS = ["session", "challenge", "record", "answer", "stored", "readings"];
export const REPROVISION_CUTS = ["reprovision-saved", "reprovision-acked", "session", "challenge", "record", "answer", "stored"];

/**
 * Power cuts (README.md, "What to persist"): the device kills itself with SIGKILL at each step
 * of a claim (a new board each time) and of a re-provision (one board, a reprovision command
 * each time), is started again from its state file, and the run must end with exactly one
 * device record, a credential that works (readings accepted), and every reading stored once.
 */
export async function runPowerCutE2E(opts = {}) {
  const base = (opts.base ?? process.env.CLAIMLINK_URL ?? "").replace(/\/+$/, "");
  assert(base, "set CLAIMLINK_URL to the running app's base URL");
  const appDir = opts.appDir ?? process.env.CLAIMLINK_APP_DIR ?? path.resolve(firmware, "..");
  const dataDir = opts.dataDir ?? process.env.CLAIMLINK_DATA_DIR;
  const bins = opts.bins ?? {
    mbedtls: path.join(firmware, "build-mbedtls", "claimlink-device"),
    bearssl: path.join(firmware, "build-bearssl", "claimlink-device"),
  };
  let pins = opts.pins ?? (process.env.CLAIMLINK_PINS ?? "auto").split(",").filter(Boolean);
  if (pins.length === 1 && pins[0] === "auto") pins = await publishedPins(base);
  const echo = opts.echo ?? process.env.CLAIMLINK_E2E_ECHO === "1";
  const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const staffAccount =
    opts.staff ??
    createAccount({ appDir, base, dataDir, email: `fw-cut-staff.${tag}@e2e.example.org`, role: "staff", password: "firmware staff pw 123" });
  const staff = await signIn(base, staffAccount);
  const work = mkdtempSync(path.join(tmpdir(), "claimlink-cut-"));
  const t = 20_000;
  const results = [];
  const running = [];
  const start = (bin, state, env, label) => {
    const d = startDevice({
      bin,
      args: ["--server", base, "--state", state, "--model", "c-room", "--firmware", "c-1.2", "--interval", "1", "--no-qr-art",
        ...pins.flatMap((k) => ["--pin", k])],
      env,
      echo,
      tag: label,
    });
    running.push(d);
    return d;
  };
  const cutExit = async (d, step) => {
    const e = await d.exited(t, `the power cut at ${step}`);
    assert(e.signal === "SIGKILL", `the device was to lose its power at ${step}, but exited ${JSON.stringify(e)}`);
    assert(d.lines.includes(`Power cut at ${step}.`), `no power cut at ${step}`);
  };
  try {
    const newOwner = async (name) => {
      const email = `fw-cut-${name}.${tag}@e2e.example.org`;
      const owner = createAccount({ appDir, base, dataDir, email, role: "participant", password: "firmware pw 123" });
      return { email, api: await signIn(base, owner) };
    };
    for (const [backend, bin] of Object.entries(bins)) {
      // A claim, cut at each of its steps, each on a new board of a new owner (an account may
      // hold only a few devices).
      for (const step of CLAIM_CUTS) {
        const { email, api } = await newOwner(`${backend}-${step}`);
        const state = path.join(work, `${backend}-claim-${step}`);
        const before = await ownedCount(staff, email);
        const d1 = start(bin, state, { CLAIMLINK_DEVICE_POWER_CUT: step }, `${backend}:${step}:1`);
        // The claim runs on while the board is down and back up: restarted at once, it finishes
        // a claim it had answered (record, answer) within the claim's time.
        let claiming = Promise.resolve(null);
        if (step !== "session") {
          const [, qr] = await d1.waitFor(/^QR: (\S+)$/, t, "the QR");
          claiming = claimOnce(api, base, qr);
        }
        await cutExit(d1, step);
        const d2 = start(bin, state, {}, `${backend}:${step}:2`);
        const m = await claimUntil(d2, api, base, CLAIMED_OR_LOADED, t * 3, `the claim after a power cut at ${step}`);
        const deviceId = m[1] ?? m[2];
        const claimed = await claiming;
        if (["record", "answer", "stored", "readings"].includes(step))
          assert(claimed === deviceId, `power cut at ${step}: the first claim (${claimed}) is not the device's record (${deviceId})`);
        const sent = await d2.waitFor(/Sent (\d+) readings: (\d+) accepted, (\d+) duplicates/, t, "readings with the credential");
        if (step === "readings") {
          // The batch whose answer was lost is sent again: counted as duplicates, not stored twice.
          assert(Number(sent[3]) >= 3, `after a power cut at readings the resent batch should be duplicates: ${sent[0]}`);
        }
        await d2.waitFor(/Sent 3 readings: 3 accepted/, t, "a second batch");
        await d2.stop();
        const after = await ownedCount(staff, email);
        assert(after === before + 1, `power cut at ${step}: ${after - before} new device records, want exactly 1`);
        const n = await expectReadings(api, deviceId, [d1, d2], `claim, power cut at ${step}`);
        results.push(`${backend} claim/${step}: 1 record, ${n} readings`);
        log(`${backend}: power cut at ${step} of a claim: one device record ${deviceId}, credential works, ${n} readings stored once`);
      }

      // A re-provision, cut at each of its steps, on one board claimed once.
      const { email, api } = await newOwner(`${backend}-reprovision`);
      const state = path.join(work, `${backend}-reprovision`);
      const d0 = start(bin, state, {}, `${backend}:claim`);
      const [, qr0] = await d0.waitFor(/^QR: (\S+)$/, t, "the QR");
      const deviceId = await claimOnce(api, base, qr0);
      assert(deviceId, "the first claim failed");
      await d0.waitFor(/Sent 3 readings: 3 accepted/, t, "readings");
      await d0.stop();
      const all = [d0];
      let credential = d0.lines.map((l) => l.match(/credential (crd_[A-Za-z0-9_-]+)\./)?.[1]).find(Boolean);
      for (const step of REPROVISION_CUTS) {
        const before = await ownedCount(staff, email);
        const d1 = start(bin, state, { CLAIMLINK_DEVICE_POWER_CUT: step }, `${backend}:re-${step}:1`);
        await d1.waitFor(/Sent 3 readings: 3 accepted/, t, "readings before the re-provision");
        const cmd = await staff("POST", `/api/v1/staff/devices/${deviceId}/commands`, { type: "reprovision" });
        assert(cmd.status === 201, `queue reprovision: ${cmd.status} ${JSON.stringify(cmd.body)}`);
        let claiming = Promise.resolve(null);
        if (!["reprovision-saved", "reprovision-acked", "session"].includes(step)) {
          const [, qr] = await d1.waitFor(/^QR: (\S+)$/, t, "the re-provisioning QR");
          claiming = claimOnce(api, base, qr);
        }
        await cutExit(d1, step);
        const d2 = start(bin, state, {}, `${backend}:re-${step}:2`);
        if (step !== "stored") {
          await claimUntil(d2, api, base, /^Re-provisioned as "(?:.*)" \((dev_[A-Za-z0-9_-]+)\)/, t * 3, `the re-provision after a power cut at ${step}`);
        }
        const claimed = await claiming;
        if (["record", "answer", "stored"].includes(step))
          assert(claimed === deviceId, `power cut at ${step}: the owner's claim ended ${claimed}, not on ${deviceId}`);
        await d2.waitFor(/Sent 3 readings: 3 accepted/, t, "readings with the new credential");
        await d2.stop();
        all.push(d1, d2);
        const now = [...d1.lines, ...d2.lines]
          .map((l) => l.match(/^Re-provisioned as "(?:.*)" \((dev_[A-Za-z0-9_-]+)\), credential (crd_[A-Za-z0-9_-]+)\./))
          .filter(Boolean)
          .at(-1);
        assert(now, `power cut at ${step} of a re-provision: never re-provisioned`);
        assert(now[1] === deviceId, `re-provisioned as ${now[1]}, was ${deviceId}`);
        assert(now[2] !== credential, `power cut at ${step}: the credential did not change`);
        const again = [...d1.lines, ...d2.lines].filter((l) => l.startsWith("Re-provisioned as")).length;
        assert(again === 1, `power cut at ${step}: re-provisioned ${again} times, want once`);
        credential = now[2];
        const after = await ownedCount(staff, email);
        assert(after === before, `power cut at ${step} of a re-provision: ${after - before} new device records`);
        const n = await expectReadings(api, deviceId, all, `re-provision, power cut at ${step}`);
        results.push(`${backend} re-provision/${step}: same record, new credential, ${n} readings`);
        log(`${backend}: power cut at ${step} of a re-provision: same record, new credential ${credential} works, ${n} readings stored once`);
      }
    }
  } finally {
    for (const d of running) await d.stop();
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

/**
 * Clocks (protocol 1.2, section 6, and boards without a real-time clock): a pinned device whose
 * clock is 10 minutes ahead or behind recovers from the server's signed time; a board with no
 * clock at all, pinned or not, claims and sends readings stamped with the server's time.
 */
export async function runClockE2E(opts = {}) {
  const base = (opts.base ?? process.env.CLAIMLINK_URL ?? "").replace(/\/+$/, "");
  const appDir = opts.appDir ?? process.env.CLAIMLINK_APP_DIR ?? path.resolve(firmware, "..");
  const dataDir = opts.dataDir ?? process.env.CLAIMLINK_DATA_DIR;
  const bin = opts.bin ?? path.join(firmware, "build-mbedtls", "claimlink-device");
  let pins = opts.pins ?? (process.env.CLAIMLINK_PINS ?? "auto").split(",").filter(Boolean);
  if (pins.length === 1 && pins[0] === "auto") pins = await publishedPins(base);
  const echo = opts.echo ?? process.env.CLAIMLINK_E2E_ECHO === "1";
  const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const work = mkdtempSync(path.join(tmpdir(), "claimlink-clock-"));
  const cases = [
    { name: "pinned, clock 10 min ahead", args: ["--clock-drift", "600"], pinned: true, set: /^Clock set from the server's signature/ },
    { name: "pinned, clock 10 min behind", args: ["--clock-drift", "-600"], pinned: true, set: /^Clock set from the server's signature/ },
    { name: "pinned, no clock", args: ["--no-rtc"], pinned: true, set: /^Clock set from the server's signature/ },
    { name: "unpinned, no clock", args: ["--no-rtc"], pinned: false, set: /^Clock set from the session answer's serverTime/ },
  ];
  const results = [];
  try {
    for (const [i, c] of cases.entries()) {
      const owner = createAccount({ appDir, base, dataDir, email: `fw-clock${i}.${tag}@e2e.example.org`, role: "participant", password: "firmware pw 123" });
      const api = await signIn(base, owner);
      const d = startDevice({
        bin,
        args: ["--server", base, "--state", path.join(work, c.name.replace(/\W+/g, "-")), "--model", "c-room", "--interval", "1",
          "--no-qr-art", ...c.args, ...(c.pinned ? pins.flatMap((k) => ["--pin", k]) : [])],
        echo,
        tag: c.name,
      });
      try {
        await d.waitFor(c.set, 20_000, `the clock set (${c.name})`);
        const [, qr] = await d.waitFor(/^QR: (\S+)$/, 20_000, "the QR");
        const deviceId = await claimOnce(api, base, qr);
        assert(deviceId, `${c.name}: the claim failed`);
        await d.waitFor(/Sent 3 readings: 3 accepted/, 20_000, `readings (${c.name})`);
        const refused = d.lines.filter((l) => l.startsWith("Not acting on the answer"));
        assert(refused.length === 0, `${c.name}: refused answers of the real server: ${refused.join(" | ")}`);
        // The readings carry the server's time, not the board's wrong or missing clock.
        const stored = await storedTimes(api, deviceId);
        const off = stored.map((s) => Math.abs(s - Date.now() / 1000));
        assert(stored.length > 0 && Math.max(...off) < 120, `${c.name}: readings stamped ${Math.max(...off)} s off`);
        results.push(c.name);
        log(`clock: ${c.name}: clock set from the server, claimed, readings stamped right`);
      } finally {
        await d.stop();
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return results;
}

/**
 * An outage: a claimed device that cannot reach its server keeps measuring every interval,
 * keeps its readings, and tries the server again only as the retry policy says (growing,
 * jittered waits, not every tick); back online, it sends every kept reading once.
 */
export async function runOutageE2E(opts = {}) {
  const base = (opts.base ?? process.env.CLAIMLINK_URL ?? "").replace(/\/+$/, "");
  const appDir = opts.appDir ?? process.env.CLAIMLINK_APP_DIR ?? path.resolve(firmware, "..");
  const dataDir = opts.dataDir ?? process.env.CLAIMLINK_DATA_DIR;
  const bin = opts.bin ?? path.join(firmware, "build-mbedtls", "claimlink-device");
  const echo = opts.echo ?? process.env.CLAIMLINK_E2E_ECHO === "1";
  const tag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  const owner = createAccount({ appDir, base, dataDir, email: `fw-outage.${tag}@e2e.example.org`, role: "participant", password: "firmware pw 123" });
  const api = await signIn(base, owner);
  const work = mkdtempSync(path.join(tmpdir(), "claimlink-outage-"));
  const state = path.join(work, "state");
  const args = ["--server", base, "--state", state, "--model", "c-room", "--interval", "1", "--no-qr-art"];
  const devices = [];
  try {
    const d1 = startDevice({ bin, args, echo, tag: "outage:1" });
    devices.push(d1);
    const [, qr] = await d1.waitFor(/^QR: (\S+)$/, 20_000, "the QR");
    const deviceId = await claimOnce(api, base, qr);
    assert(deviceId, "the claim failed");
    await d1.waitFor(/Sent 3 readings: 3 accepted/, 20_000, "readings");
    await d1.stop();
    // Nothing listens on port 9 (discard): the server is gone.
    const d2 = startDevice({ bin, args: [...args, "--connect", "http://127.0.0.1:9"], echo, tag: "outage:2" });
    devices.push(d2);
    await new Promise((r) => setTimeout(r, 9000));
    await d2.stop();
    const queued = queuedTimes(d2).length;
    const tries = d2.lines.filter((l) => l.startsWith("The server did not take the readings")).length;
    const waits = d2.lines.map((l) => l.match(/trying again in (\d+)\.(\d) s \(attempt (\d+)/)).filter(Boolean);
    assert(queued >= 7, `only ${queued} batches measured in 9 s of outage`);
    assert(tries >= 2 && tries < queued, `${tries} attempts to reach the server for ${queued} batches measured: not backing off`);
    assert(waits.every((w, i) => Number(w[3]) === i + 1), "the attempts are not counted up");
    // Back online: every kept reading is sent, once.
    const d3 = startDevice({ bin, args, echo, tag: "outage:3" });
    devices.push(d3);
    // (A batch measured in the same second as the last one kept is a duplicate: same time.)
    const [, n] = await d3.waitFor(/Sent (\d+) readings: \d+ accepted, \d+ duplicates/, 20_000, "the kept readings");
    assert(Number(n) >= 3 * queued, `sent ${n} readings after the outage, ${3 * queued} were kept`);
    await d3.waitFor(/Sent 3 readings: 3 accepted/, 20_000, "the next readings");
    await d3.stop();
    const count = await expectReadings(api, deviceId, devices, "outage");
    log(`outage: ${queued} batches measured while the server was away, ${tries} spaced attempts, all ${count} readings stored once after`);
    return { queued, tries, count };
  } finally {
    for (const d of devices) await d.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  // CLAIMLINK_E2E: which runs, comma-separated: flow (default), clock, power (both backends), outage.
  const which = (process.env.CLAIMLINK_E2E ?? "flow").split(",");
  (async () => {
    if (which.includes("flow")) await runDeviceE2E();
    if (which.includes("clock")) await runClockE2E();
    if (which.includes("power")) await runPowerCutE2E();
    if (which.includes("outage")) await runOutageE2E();
  })()
    .then(() => log(`passed (${which.join(", ")}) in ${((Date.now() - t0) / 1000).toFixed(1)} s`))
    .catch((err) => {
      console.error(`[e2e] FAILED: ${err.message}`);
      process.exit(1);
    });
}
