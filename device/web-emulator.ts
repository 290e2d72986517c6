// The /emulator page's device: the device side of docs/protocol.md run in the browser with
// WebCrypto (device/web-device.ts). It starts a session, shows the rotating code, long-polls,
// checks the server's proof, answers, keeps the credential only if bindMac checks, then sends
// signed readings and acts on no answer whose response MAC fails. (1.1) It pins the keys its
// own server publishes and acts on no answer they do not sign for the nonce it sent; it draws
// the QR from its own origin and refuses a session answer naming another claim URL or step.
// The page only draws what it reports.
import {
  b64url,
  bindMac,
  deviceProof,
  deviceSecret,
  equalText,
  pinWebKey,
  popAt,
  randomBytes,
  requestSig,
  responseMac,
  serverProof,
  verifyWebSignature,
  type WebPinnedKey,
} from "./web-device";
import { runWebUpdate, type UpdateScreen } from "./web-update";

type Session = { sid: string; sessionToken: string; claimUrl: string; serverTime: number; step: number };
type Challenge = {
  state: "challenge";
  claimId: string;
  nonce: string;
  serverProof: string;
  account: { displayName: string };
};
type Claimed = { deviceId: string; credentialId: string; name: string };

/** What the device's screen shows. */
export type Screen =
  | { kind: "starting" }
  | { kind: "code"; qrText: string; code: string; secondsLeft: number; step: number; stepSeconds: number }
  | { kind: "confirm"; name: string }
  | { kind: "claimed"; name: string; firmware: string }
  | UpdateScreen
  | { kind: "error"; text: string };

export type EmulatorHooks = {
  /** The screen changed. */
  show(screen: Screen): void;
  /** A line for the device's log. */
  log(line: string): void;
  /** Whether to ask the person before accepting a claim (a device with a confirm button). */
  askFirst(): boolean;
  /** The person's answer on the device (Accept / Decline). */
  confirm(name: string): Promise<boolean>;
};

const READING_INTERVAL_MS = 10_000;
const MODEL = "emulator";
const FIRMWARE = "1.1.0";
const STEP_SECONDS = 30; // this device's own PoP step (docs/protocol.md "Timing constants")
const SKEW_SECONDS = 300;
const RETRY_MS = 3000;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

/** Runs the device until `signal` aborts: provision (again after an expired or locked session), then report. */
export async function runWebEmulator(hooks: EmulatorHooks, signal: AbortSignal, origin: string): Promise<void> {
  let offset = 0; // server clock minus ours, seconds
  let clockSet = false;
  const now = () => Math.floor(Date.now() / 1000) + offset;
  const claimUrl = `${origin}/claim`;
  let pins: WebPinnedKey[] = [];
  // (1.2) The firmware keys that may sign this device's images, and the version it runs.
  let firmwareKeys: WebPinnedKey[] = [];
  let running = FIRMWARE;

  /** One request; the answer only if a pinned key signed it for this request's nonce (section 6). */
  async function send(
    path: string,
    init: { method?: string; headers?: Record<string, string>; body?: string; nonce?: string },
  ) {
    const method = init.method ?? "GET";
    const nonce = init.nonce ?? b64url(randomBytes(16));
    const headers = { ...(init.nonce ? {} : { "claimlink-nonce": nonce }), ...init.headers };
    const r = await fetch(`${origin}${path}`, { method, headers, body: init.body, signal });
    const text = await r.text();
    const ts = await verifyWebSignature(pins, r.headers.get("claimlink-signature"), {
      method,
      pathAndQuery: path,
      requestNonce: nonce,
      status: r.status,
      body: text,
    });
    if (ts === null) throw new Error(`an answer to ${path} is not signed by the server's pinned key: ignored`);
    // (1.2, section 6) The signature's time never refuses an answer: the nonce, fresh for this
    // request, already makes it fresh. It is authenticated time, taken when the clock is unset
    // or more than SKEW away.
    if (!clockSet || Math.abs(ts - now()) > SKEW_SECONDS) {
      if (clockSet) hooks.log(`The server's signed time is ${ts - now()} s from this clock; setting it.`);
      offset = ts - Math.floor(Date.now() / 1000);
      clockSet = true;
    }
    return { status: r.status, text, headers: r.headers, json: () => JSON.parse(text) };
  }

  async function pinServerKeys() {
    const doc = (await (await fetch(`${origin}/.well-known/claimlink`, { signal })).json()) as {
      keys: { publicKey: string; use: string }[];
      firmwareKeys?: { publicKey: string }[];
    };
    pins = await Promise.all(doc.keys.filter((k) => k.use !== "retired").map((k) => pinWebKey(k.publicKey)));
    // A real device's firmware keys are built into it; this one takes its server's, like its server keys.
    firmwareKeys = await Promise.all((doc.firmwareKeys ?? []).map((k) => pinWebKey(k.publicKey)));
    hooks.log(`Pinned ${pins.length} server key${pins.length === 1 ? "" : "s"} from /.well-known/claimlink.`);
  }

  async function provision(): Promise<{ secret: Uint8Array; claimed: Claimed } | null> {
    const seed = randomBytes(32);
    const r = await send("/api/v1/provisioning/sessions", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: MODEL, firmware: running }),
    });
    if (r.status !== 201) throw new Error(`could not start a session (${r.status})`);
    const s = r.json() as Session;
    if (s.claimUrl !== claimUrl || s.step !== STEP_SECONDS) {
      throw new Error(`the session answer names ${s.claimUrl} every ${s.step} s, not this device's origin and step`);
    }
    hooks.log(`Session ${s.sid.slice(0, 8)}… started; showing the code.`);
    let shownStep = -1;
    let drawing = true;
    const draw = async () => {
      const T = Math.floor(now() / s.step);
      const secondsLeft = s.step - (now() % s.step);
      const pop = await popAt(seed, s.sid, T);
      if (!drawing) return;
      shownStep = T;
      hooks.show({
        kind: "code",
        qrText: `${claimUrl}#${s.sid}.${pop}`,
        code: `${s.sid}.${pop}`,
        secondsLeft,
        step: shownStep,
        stepSeconds: s.step,
      });
    };
    await draw();
    const timer = setInterval(() => void draw(), 1000);
    try {
      for (;;) {
        const p = await send(`/api/v1/provisioning/sessions/${s.sid}?wait=25`, {
          headers: { authorization: `Bearer ${s.sessionToken}` },
        });
        const a = p.json();
        if (a.state === "expired" || a.state === "locked") {
          hooks.log(`Session ${a.state}; starting a new one.`);
          return null;
        }
        if (a.state === "claimed") {
          // Claimed, but the answer with our proof was lost: this screen never got the secret.
          hooks.log("Session already claimed without this device's secret; starting again.");
          return null;
        }
        if (a.state !== "challenge") continue;
        const ch = a as Challenge;
        const T = Math.floor(now() / s.step);
        let pop: string | null = null;
        for (const candidate of [await popAt(seed, s.sid, T), await popAt(seed, s.sid, T - 1)]) {
          if (equalText(await serverProof(candidate, s.sid, ch.claimId, ch.nonce), ch.serverProof)) pop = candidate;
        }
        const answer = async (body: unknown) =>
          send(`/api/v1/provisioning/sessions/${s.sid}/claims/${ch.claimId}`, {
            method: "POST",
            headers: { authorization: `Bearer ${s.sessionToken}`, "content-type": "application/json" },
            body: JSON.stringify(body),
          });
        if (!pop) {
          hooks.log(`${ch.account.displayName} sent a code this screen did not show: refused (pop_mismatch).`);
          await answer({ accept: false, reason: "pop_mismatch" });
          continue;
        }
        hooks.log(`Challenge from ${ch.account.displayName}: the server's proof matches this screen.`);
        if (hooks.askFirst()) {
          drawing = false;
          clearInterval(timer);
          hooks.show({ kind: "confirm", name: ch.account.displayName });
          if (!(await hooks.confirm(ch.account.displayName))) {
            hooks.log("Declined on the device (user_declined).");
            await answer({ accept: false, reason: "user_declined" });
            return null;
          }
        }
        const deviceNonce = b64url(randomBytes(16));
        const proof = await deviceProof(pop, s.sid, ch.claimId, ch.nonce, deviceNonce);
        const secret = await deviceSecret(pop, s.sid, ch.claimId, ch.nonce, deviceNonce);
        const res = await answer({ accept: true, deviceNonce, deviceProof: proof });
        const body = res.json();
        if (res.status !== 200) {
          hooks.log(`The server refused the answer: ${body.code}.`);
          continue;
        }
        if (!equalText(await bindMac(secret, body.deviceId, body.credentialId), body.bindMac)) {
          hooks.log("bindMac does not check: not keeping this credential.");
          return null;
        }
        hooks.log(`Claimed as “${body.name}” (${body.deviceId}); bindMac checks; secret kept on the device.`);
        return { secret, claimed: body as Claimed };
      }
    } finally {
      drawing = false;
      clearInterval(timer);
    }
  }

  async function report(secret: Uint8Array, claimed: Claimed) {
    /** A signed request (section 3); the answer only when its response MAC checks. */
    const call = async (method: string, path: string, body = "") => {
      const nonce = b64url(randomBytes(16));
      const ts = now();
      const sig = await requestSig(secret, method, path, ts, nonce, body);
      const r = await send(path, {
        method,
        nonce,
        headers: {
          authorization: `Claimlink-HMAC credential="${claimed.credentialId}", ts="${ts}", nonce="${nonce}", sig="${sig}"`,
          ...(method === "GET" ? {} : { "content-type": "application/json" }),
        },
        body: method === "GET" ? undefined : body,
      });
      const mac = r.headers.get("claimlink-response-mac");
      const ok = !!mac && equalText(await responseMac(secret, nonce, r.status, r.text), mac);
      return ok ? { status: r.status, text: r.text, headers: r.headers } : null;
    };
    /** (1.2) Firmware update commands (section 7); other commands are for real hardware. */
    const updates = async () => {
      const me = await call("GET", "/api/v1/devices/me");
      if (!me || me.status !== 200) return;
      const { commands } = JSON.parse(me.text) as { commands: { id: string; type: string; params: unknown }[] };
      for (const c of commands.filter((c) => c.type === "update_firmware")) {
        running = await runWebUpdate(
          { model: MODEL, running, firmwareKeys, call, log: hooks.log, signal, show: hooks.show },
          c.id,
          c.params,
        );
      }
      hooks.show({ kind: "claimed", name: claimed.name, firmware: running });
    };
    hooks.show({ kind: "claimed", name: claimed.name, firmware: running });
    while (!signal.aborted) {
      await updates();
      const path = "/api/v1/devices/me/measurements";
      const hour = new Date().getHours();
      const body = JSON.stringify({
        measurements: [
          {
            property: "temperature",
            unit: "Cel",
            time: now(),
            value: +(20 + Math.sin(hour / 4) + Math.random() * 0.2).toFixed(2),
          },
        ],
      });
      const nonce = b64url(randomBytes(16));
      const ts = now();
      const sig = await requestSig(secret, "POST", path, ts, nonce, body);
      const r = await send(path, {
        method: "POST",
        nonce,
        headers: {
          authorization: `Claimlink-HMAC credential="${claimed.credentialId}", ts="${ts}", nonce="${nonce}", sig="${sig}"`,
          "content-type": "application/json",
        },
        body,
      });
      const text = r.text;
      const mac = r.headers.get("claimlink-response-mac");
      if (!mac || !equalText(await responseMac(secret, nonce, r.status, text), mac))
        hooks.log("An answer without a valid response MAC: ignored.");
      else if (r.status === 200) hooks.log(`Sent a temperature reading: ${text}`);
      else {
        const code = JSON.parse(text).code;
        hooks.log(`Reading refused: ${code}.`);
        if (code === "credential_revoked") {
          // Released, reported lost or revoked: forget the credential and show a new code.
          hooks.log("The credential was revoked: showing a new code to be claimed again.");
          return;
        }
      }
      await sleep(READING_INTERVAL_MS, signal);
    }
  }

  while (!signal.aborted) {
    try {
      if (pins.length === 0) await pinServerKeys();
      const got = await provision();
      if (got) await report(got.secret, got.claimed);
    } catch (err) {
      if (signal.aborted) return;
      hooks.show({ kind: "error", text: (err as Error).message });
      hooks.log(`Error: ${(err as Error).message}; retrying.`);
      await sleep(RETRY_MS, signal);
    }
  }
}
