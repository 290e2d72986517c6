// npm run device -- --server http://localhost:3000 [--state FILE] [--model NAME] [--confirm] [--interval SECONDS]
//                    [--reprovision] [--pin PUBLIC_KEY]... [--connect URL]
//                    [--firmware VERSION] [--firmware-key PUBLIC_KEY]... [--partition-bytes N]
//                    [--fail-update rollback] [--tamper-mirror] [--mirror URL] [--interrupt-download BYTES]
//
// A simulated room sensor: shows the rotating QR in the terminal, answers the claim, then
// sends temperature, relative humidity and CO2 every interval, checking every response MAC.
// (1.2) Takes firmware updates (device/updater.ts): the image goes to <state>.partition, the
// running version is kept in the state file across restarts.
import { chmodSync, existsSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { createInterface } from "node:readline/promises";
import QRCode from "qrcode";
import { DeviceClient, NotClaimed, Refused, UntrustedAnswer, type Credential } from "./client";
import { runUpdate } from "./updater";

type Options = {
  server: string;
  stateFile: string;
  model: string;
  firmware: string;
  confirm: boolean;
  interval: number | null;
  reprovision: boolean;
  /** (1.1) Server public keys pinned in the firmware: every answer must be signed by one. */
  pins: string[];
  /** Send requests here instead of to --server (a tunnel or proxy); the QR still uses --server. */
  connect: string | null;
  /** (1.2) Firmware keys pinned in the firmware (section 7); none: every update is bad_signature. */
  firmwareKeys: string[];
  partitionBytes: number;
  failUpdate: "rollback" | null;
  tamperMirror: boolean;
  mirror: string | null;
  interruptDownload: number | null;
  /** Exit after the first update command has been handled (tests). */
  exitAfterUpdate: boolean;
};
type Reading = { property: string; unit: string; time: number; value: number };
type SavedState = { server: string; credential: Credential; outbox: Reading[]; firmware?: string };

function parseArgs(argv: string[]): Options {
  const o: Options = {
    server: "http://localhost:3000",
    stateFile: ".device-state.json",
    model: "sim-room",
    firmware: "1.0.0",
    confirm: false,
    interval: null,
    reprovision: false,
    pins: [],
    connect: null,
    firmwareKeys: [],
    partitionBytes: 4 * 1024 * 1024,
    failUpdate: null,
    tamperMirror: false,
    mirror: null,
    interruptDownload: null,
    exitAfterUpdate: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === "--server") o.server = value().replace(/\/+$/, "");
    else if (a === "--state") o.stateFile = value();
    else if (a === "--model") o.model = value();
    else if (a === "--firmware") o.firmware = value();
    else if (a === "--confirm") o.confirm = true;
    else if (a === "--reprovision") o.reprovision = true;
    else if (a === "--interval") o.interval = Number(value());
    else if (a === "--pin") o.pins.push(value());
    else if (a === "--connect") o.connect = value().replace(/\/+$/, "");
    else if (a === "--firmware-key") o.firmwareKeys.push(value());
    else if (a === "--partition-bytes") o.partitionBytes = Number(value());
    else if (a === "--fail-update") {
      if (value() !== "rollback") throw new Error("--fail-update takes: rollback");
      o.failUpdate = "rollback";
    } else if (a === "--tamper-mirror") o.tamperMirror = true;
    else if (a === "--mirror") o.mirror = value().replace(/\/+$/, "");
    else if (a === "--interrupt-download") o.interruptDownload = Number(value());
    else if (a === "--exit-after-update") o.exitAfterUpdate = true;
    else throw new Error(`unknown option ${a}`);
  }
  if (o.interval !== null && !(o.interval >= 1)) throw new Error("--interval must be at least 1 second");
  if (!(o.partitionBytes >= 0)) throw new Error("--partition-bytes must be a number of bytes");
  if (o.interruptDownload !== null && !(o.interruptDownload >= 1))
    throw new Error("--interrupt-download must be at least 1 byte");
  return o;
}

function load(file: string): SavedState | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as SavedState) : null;
}

/** Written to a temporary file and renamed, so a crash never leaves half a state file. */
function save(file: string, state: SavedState) {
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2), { mode: 0o600 });
  chmodSync(`${file}.tmp`, 0o600);
  renameSync(`${file}.tmp`, file);
}

async function showQr(qr: { text: string; pop: string; secondsLeft: number }, sid: string) {
  const art = await QRCode.toString(qr.text, { type: "terminal", small: true, errorCorrectionLevel: "M" });
  const typed = `${sid.match(/.{1,4}/g)!.join(" ")} . ${qr.pop.match(/.{1,4}/g)!.join(" ")}`;
  process.stdout.write(
    `\x1b[2J\x1b[H${art}\n${qr.text}\nCode to type: ${typed}\nNew code in ${qr.secondsLeft} s. Waiting for a claim…\n`,
  );
}

async function ask(question: string): Promise<boolean> {
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const a = await rl.question(question);
  rl.close();
  return /^y(es)?$/i.test(a.trim());
}

async function provision(device: DeviceClient, o: Options, signed: boolean): Promise<Credential> {
  return device.provision({
    signed,
    onQr: (qr) => void showQr(qr, device.session!.sid),
    onChallenge: (c) => console.log(`\n${c.account.displayName} is claiming this device.`),
    confirm: o.confirm ? (name) => ask(`Let ${name} claim this device? [y/n] `) : undefined,
  });
}

function readings(now: number): Reading[] {
  const hour = (now / 3600) % 24;
  const jitter = () => (Math.random() - 0.5) * 0.2;
  return [
    {
      property: "temperature",
      unit: "Cel",
      time: now,
      value: +(19.5 + 2 * Math.sin(((hour - 9) / 24) * 2 * Math.PI) + jitter()).toFixed(2),
    },
    {
      property: "relative_humidity",
      unit: "%",
      time: now,
      value: +(48 + 6 * Math.cos((hour / 24) * 2 * Math.PI) + jitter() * 5).toFixed(1),
    },
    {
      property: "co2",
      unit: "ppm",
      time: now,
      value: Math.round(620 + 280 * Math.max(0, Math.sin(((hour - 7) / 24) * 2 * Math.PI)) + jitter() * 40),
    },
  ];
}

/** Handles pending commands; returns true when the device must re-provision. */
async function runCommands(
  device: DeviceClient,
  state: { interval: number; updated: boolean },
  o: Options,
  persist: () => void,
): Promise<boolean> {
  const me = await device.signed("GET", "/api/v1/devices/me");
  if (me.status !== 200) throw new Refused(me.status, (me.body as { code?: string })?.code ?? "unknown", me.body);
  const profile = me.body as {
    name: string;
    config: { measurementIntervalSeconds: number };
    commands: { id: string; type: string; params: Record<string, unknown>; expiresAt?: string }[];
  };
  state.interval = profile.config.measurementIntervalSeconds;
  let reprovision = false;
  for (const c of profile.commands) {
    // (1.1) A command past its expiry is not carried out, even if a delayed answer brings it.
    if (c.expiresAt && Date.parse(c.expiresAt) / 1000 < device.now()) {
      console.log(`Command ${c.type} (${c.id}) expired before it arrived; not carried out.`);
      continue;
    }
    console.log(`Command ${c.type} (${c.id})`);
    if (c.type === "update_firmware") {
      await runUpdate(device, c, {
        model: o.model,
        firmwareKeys: o.firmwareKeys,
        partitionBytes: o.partitionBytes,
        partitionFile: `${o.stateFile}.partition`,
        failUpdate: o.failUpdate,
        tamperMirror: o.tamperMirror,
        mirror: o.mirror,
        interruptAfter: o.interruptDownload,
        log: (l) => console.log(l),
      });
      o.interruptDownload = null; // only the first download is cut
      persist(); // the running version survives a restart
      state.updated = true;
      continue;
    }
    if (c.type === "identify") console.log("*** Blinking the screen so you can find me ***");
    if (c.type === "reprovision") reprovision = true;
    await device.signed("POST", `/api/v1/devices/me/commands/${c.id}`, JSON.stringify({ status: "done" }));
  }
  return reprovision;
}

/**
 * docs/protocol.md section 3 (1.1): told its credential is gone by an answer it cannot tie to
 * its own credential, a device keeps the credential and offers a session signed with it. If
 * nobody claims it within one session, it goes back to reporting: a forger can delay it, never
 * make it forget who it is. The old credential is dropped only once a new one is bound.
 */
async function suspect(device: DeviceClient, o: Options, code: string, persist: () => void) {
  console.log(`An unauthenticated answer claims ${code}: keeping the credential, re-provisioning with it.`);
  try {
    await device.provision({
      signed: true,
      maxSessions: 1,
      onQr: (qr) => void showQr(qr, device.session!.sid),
      onChallenge: (c) => console.log(`\n${c.account.displayName} is claiming this device.`),
    });
    persist();
    console.log(`Re-provisioned: credential ${device.credential!.credentialId}.`);
  } catch (err) {
    console.log(
      err instanceof NotClaimed
        ? "Nobody claimed the device; carrying on with the credential it has."
        : `Re-provisioning failed (${(err as Error).message}); carrying on with the credential it has.`,
    );
  }
}

/**
 * The credential was revoked (the owner released the device or reported it lost, or staff
 * revoked it). The answer saying so is MAC-verified (DeviceClient.signed accepts nothing
 * else), so the server knows our secret: forget the credential and show a new code at once.
 */
async function claimAgain(device: DeviceClient, o: Options, persist: () => void) {
  console.log("This device's credential was revoked (released, lost or revoked by staff). Showing a new code.");
  device.credential = null;
  await provision(device, o, false);
  persist();
  console.log(`\nClaimed as "${device.credential!.name}" (${device.credential!.deviceId}).`);
}

async function main() {
  const o = parseArgs(process.argv.slice(2));
  const saved = load(o.stateFile);
  const device = new DeviceClient(o.server, saved?.credential ?? null, {
    model: o.model,
    firmware: saved?.firmware ?? o.firmware,
    log: (l) => console.log(l),
    pins: o.pins,
    connect: o.connect ?? undefined,
  });
  if (o.pins.length) console.log(`Pinned server keys: ${o.pins.length}; acting only on answers they sign.`);
  const outbox: Reading[] = saved?.outbox ?? [];
  const persist = () =>
    save(o.stateFile, { server: o.server, credential: device.credential!, outbox, firmware: device.opts.firmware });

  if (!device.credential || o.reprovision) {
    await provision(device, o, !!device.credential);
    persist();
    console.log(
      `\nClaimed as "${device.credential!.name}" (${device.credential!.deviceId}). State saved to ${o.stateFile}.`,
    );
  }

  const state = { interval: o.interval ?? 60, updated: false };
  for (;;) {
    try {
      const reprovision = await runCommands(device, state, o, persist);
      if (state.updated && o.exitAfterUpdate) return;
      if (reprovision) {
        await provision(device, o, true);
        persist();
        console.log(`Re-provisioned: credential ${device.credential!.credentialId}.`);
        continue;
      }
      if (o.interval) state.interval = o.interval;
      outbox.push(...readings(device.now()));
      persist(); // queued before sending: a crash or a lost answer loses nothing
      const batch = outbox.slice(0, 1000); // the protocol's limit per request
      const r = await device.signed("POST", "/api/v1/devices/me/measurements", JSON.stringify({ measurements: batch }));
      if (r.status === 200) {
        const b = r.body as { accepted: number; duplicates: number; rejected: unknown[] };
        console.log(
          `${new Date().toISOString()} sent ${batch.length}: ${b.accepted} accepted, ${b.duplicates} duplicates, ${b.rejected.length} rejected`,
        );
        outbox.splice(0, batch.length);
        persist();
      } else if ((r.body as { code?: string })?.code === "credential_revoked") {
        await claimAgain(device, o, persist);
      } else if ((r.body as { code?: string })?.code === "unknown_credential") {
        await suspect(device, o, "unknown_credential", persist); // signed, but not about our credential
      } else {
        console.log(`Measurements refused: ${r.status} ${(r.body as { code?: string })?.code}`);
      }
    } catch (err) {
      if (err instanceof Refused && err.code === "credential_revoked") {
        // Released or reported lost: the first request of the round (its commands) says so.
        await claimAgain(device, o, persist);
      } else if (err instanceof UntrustedAnswer && o.pins.length > 0) {
        // With pinned keys an answer that does not verify is certainly not the server's: as
        // good as a lost answer. Keep everything, try again next interval.
        console.log(`Ignored an answer that is not the server's (${err.message}).`);
      } else if (
        err instanceof UntrustedAnswer &&
        (err.code === "unknown_credential" || err.code === "credential_revoked")
      ) {
        await suspect(device, o, err.code, persist);
      } else {
        console.error(`Error: ${(err as Error).message}`);
      }
    }
    await new Promise((r) => setTimeout(r, state.interval * 1000));
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
