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
  return async (method, p, body) => {
    const r = await fetch(`${base}${p}`, {
      method,
      headers: { cookie: cookie(), origin: base, ...(body ? { "content-type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

/** The device's stdout, line by line, with waits for a pattern after a cursor. */
function lineReader(child, echo) {
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
      if (echo) console.log(`[device] ${line}`);
      for (const w of waiters) w();
    }
  };
  child.stdout.on("data", onData);
  child.stderr.on("data", (c) => process.stderr.write(`[device:err] ${c}`));
  child.on("exit", (code, signal) => {
    exited = { code, signal };
    for (const w of waiters) w();
  });
  let cursor = 0;
  return {
    lines,
    exit: () => exited,
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
export function startDevice({ bin, args, valgrind = false, echo = true }) {
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
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ["ignore", "pipe", "pipe"] });
  const out = lineReader(child, echo);
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const t0 = Date.now();
  runDeviceE2E()
    .then(() => log(`passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`))
    .catch((err) => {
      console.error(`[e2e] FAILED: ${err.message}`);
      process.exit(1);
    });
}
