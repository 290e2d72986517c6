// A Claimlink device, as firmware would implement it from PROTOCOL.md: provisioning, signed
// requests, response MACs. Only node:crypto and fetch.
import { randomBytes } from "node:crypto";
import {
  authorizationHeader,
  bindMacFor,
  deviceProofFor,
  deviceSecretFor,
  expectedResponseMac,
  matchChallenge,
  pop,
  qrText,
  randomB64u,
  sameBytes,
  stepOf,
} from "./protocol";

export type Credential = { deviceId: string; credentialId: string; secretHex: string; name: string };

export type Session = { sid: string; sessionToken: string; claimUrl: string; serverTime: number; step: number; expiresAt: string };

export type Challenge = { state: "challenge"; claimId: string; nonce: string; serverProof: string; account: { displayName: string }; expiresAt: string };
export type PollAnswer =
  | { state: "waiting"; expiresAt: string }
  | Challenge
  | { state: "claimed"; deviceId: string; credentialId: string; name: string; bindMac: string }
  | { state: "expired" }
  | { state: "locked" };

/** An answer from the server that the device must not act on. */
export class UntrustedAnswer extends Error {}

/** A refusal (problem+json) with its protocol `code`. */
export class Refused extends Error {
  constructor(readonly status: number, readonly code: string, readonly body: unknown) {
    super(`${status} ${code}`);
  }
}

export type SignedResult = { status: number; body: unknown; text: string };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

export class DeviceClient {
  /** server time minus local time, in seconds (a device without a real-time clock). */
  private clockOffset = 0;
  private popSeed: Buffer = randomBytes(32);
  session: Session | null = null;

  constructor(
    readonly server: string,
    public credential: Credential | null = null,
    readonly opts: { model?: string; firmware?: string; log?: (line: string) => void; maxBackoffMs?: number } = {},
  ) {}

  now(): number {
    return Math.floor(Date.now() / 1000) + this.clockOffset;
  }

  private log(line: string) {
    this.opts.log?.(line);
  }

  /** The QR text the screen shows now (claimUrl#sid.PoP). */
  currentQr(): { text: string; pop: string; step: number; secondsLeft: number } {
    if (!this.session) throw new Error("no session");
    const T = stepOf(this.now(), this.session.step);
    const p = pop(this.popSeed, this.session.sid, T);
    return { text: qrText(this.session.claimUrl, this.session.sid, p), pop: p, step: T, secondsLeft: this.session.step - (this.now() % this.session.step) };
  }

  /** The code the screen showed (or will show) `stepsFromNow` steps away from now. */
  codeAt(stepsFromNow: number): string {
    const s = this.requireSession();
    return pop(this.popSeed, s.sid, stepOf(this.now(), s.step) + stepsFromNow);
  }

  /** POST /api/v1/provisioning/sessions, signed when the device holds a credential and `signed` is set. */
  async startSession(signed = false): Promise<Session> {
    this.popSeed = randomBytes(32);
    const body = JSON.stringify({ model: this.opts.model ?? "sim-room", firmware: this.opts.firmware ?? "1.0.0" });
    let res: { status: number; body: unknown };
    if (signed && this.credential) {
      res = await this.signed("POST", "/api/v1/provisioning/sessions", body);
    } else {
      const r = await fetch(`${this.server}/api/v1/provisioning/sessions`, { method: "POST", headers: { "content-type": "application/json" }, body });
      res = { status: r.status, body: await r.json() };
    }
    if (res.status !== 201) throw refusedFrom(res.status, res.body);
    const s = res.body as Session;
    this.clockOffset = s.serverTime - Math.floor(Date.now() / 1000);
    this.session = s;
    return s;
  }

  /** One long poll: GET /api/v1/provisioning/sessions/{sid}?wait=N. */
  async poll(wait = 25, signal?: AbortSignal): Promise<PollAnswer> {
    const s = this.requireSession();
    const r = await fetch(`${this.server}/api/v1/provisioning/sessions/${s.sid}?wait=${wait}`, { headers: { authorization: `Bearer ${s.sessionToken}` }, signal });
    const body = await r.json();
    if (!r.ok) throw refusedFrom(r.status, body);
    return body as PollAnswer;
  }

  private requireSession(): Session {
    if (!this.session) throw new Error("no provisioning session");
    return this.session;
  }

  private async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const s = this.requireSession();
    const r = await fetch(`${this.server}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${s.sessionToken}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: r.status, body: await r.json() };
  }

  /**
   * Answers a challenge: pop_mismatch when the server's proof matches neither the current nor
   * the previous PoP; user_declined when `confirm` says no; else the device proof. Keeps the
   * credential only when bindMac checks.
   */
  async answer(ch: Challenge, confirm?: (displayName: string) => Promise<boolean>): Promise<PollAnswer | { state: "claimed" }> {
    const s = this.requireSession();
    const path = `/api/v1/provisioning/sessions/${s.sid}/claims/${ch.claimId}`;
    const T = stepOf(this.now(), s.step);
    const matched = matchChallenge(this.popSeed, s.sid, T, ch.claimId, ch.nonce, ch.serverProof);
    if (!matched) {
      this.log("The claimant's code does not match this screen: refusing (pop_mismatch).");
      const r = await this.post(path, { accept: false, reason: "pop_mismatch" });
      if (r.status !== 200) throw refusedFrom(r.status, r.body);
      return r.body as PollAnswer;
    }
    if (confirm && !(await confirm(ch.account.displayName))) {
      const r = await this.post(path, { accept: false, reason: "user_declined" });
      if (r.status !== 200) throw refusedFrom(r.status, r.body);
      return r.body as PollAnswer;
    }
    const deviceNonce = randomB64u(16);
    const deviceProof = deviceProofFor(matched, s.sid, ch.claimId, ch.nonce, deviceNonce);
    const secret = deviceSecretFor(matched, s.sid, ch.claimId, ch.nonce, deviceNonce);
    const body = { accept: true, deviceNonce, deviceProof };
    let r: { status: number; body: unknown } | null = null;
    for (let attempt = 0; attempt < 5 && !r; attempt++) {
      // The same body again gets the same answer, so a lost answer costs nothing.
      r = await this.post(path, body).catch(() => null);
      if (!r) await sleep(200 * 2 ** attempt);
    }
    if (!r) throw new Error("the server did not answer the device's proof");
    if (r.status !== 200) throw refusedFrom(r.status, r.body);
    const claimed = r.body as { deviceId: string; credentialId: string; name: string; bindMac: string };
    if (!sameBytes(bindMacFor(secret, claimed.deviceId, claimed.credentialId), claimed.bindMac)) {
      throw new UntrustedAnswer("bindMac does not check: not keeping this credential");
    }
    this.credential = { deviceId: claimed.deviceId, credentialId: claimed.credentialId, secretHex: secret.toString("hex"), name: claimed.name };
    return { state: "claimed" };
  }

  /**
   * Runs provisioning until claimed: starts a session (signed if asked), long-polls, answers
   * challenges, and starts over when a session expires or locks. `onQr` is called whenever
   * the code on the screen changes.
   */
  async provision(o: { signed?: boolean; onQr?: (qr: ReturnType<DeviceClient["currentQr"]>) => void; confirm?: (name: string) => Promise<boolean>; onChallenge?: (c: Challenge) => void; signal?: AbortSignal; wait?: number } = {}): Promise<Credential> {
    let signed = o.signed ?? false;
    for (;;) {
      await this.startSession(signed);
      let lastStep = -1;
      const redraw = () => {
        const qr = this.currentQr();
        if (qr.step !== lastStep) {
          lastStep = qr.step;
          o.onQr?.(qr);
        }
      };
      redraw();
      const timer = setInterval(redraw, 1000);
      try {
        for (;;) {
          if (o.signal?.aborted) throw new Error("aborted");
          const a = await this.poll(o.wait ?? 25, o.signal);
          if (a.state === "challenge") {
            o.onChallenge?.(a);
            const r = await this.answer(a, o.confirm);
            if (r.state === "claimed") return this.credential!;
          } else if (a.state === "claimed") {
            // The answer was lost but the claim went through: only a device that sent the
            // proof can hold the secret, so this one cannot; a fresh session is needed.
            this.log("Session already claimed without this device's secret; starting again.");
            break;
          } else if (a.state === "expired" || a.state === "locked") {
            this.log(`Session ${a.state}; starting a new one.`);
            signed = signed && a.state !== "locked";
            break;
          }
        }
      } finally {
        clearInterval(timer);
      }
    }
  }

  /**
   * A signed request (section 3). Acts only on answers whose Claimlink-Response-MAC checks.
   * Resynchronises the clock from `Date` on stale_timestamp and retries network failures with
   * backoff, each try with a fresh nonce.
   */
  async signed(method: string, path: string, body = "", signal?: AbortSignal): Promise<SignedResult> {
    const cred = this.credential;
    if (!cred) throw new Error("no credential");
    const secret = Buffer.from(cred.secretHex, "hex");
    let resynced = false;
    for (let attempt = 0; ; attempt++) {
      const { header, nonce } = authorizationHeader(cred.credentialId, secret, method, path, this.now(), body);
      let r: Response;
      try {
        r = await fetch(`${this.server}${path}`, {
          method,
          headers: { authorization: header, ...(body ? { "content-type": "application/json" } : {}) },
          body: method === "GET" ? undefined : body,
          signal,
        });
      } catch (err) {
        if (signal?.aborted) throw err;
        const delay = Math.min(this.opts.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(attempt, 10));
        this.log(`Network error (${(err as Error).message}); retrying in ${delay} ms.`);
        await sleep(delay, signal);
        continue;
      }
      const text = await r.text();
      const got = r.headers.get("claimlink-response-mac");
      if (!got || !sameBytes(expectedResponseMac(secret, nonce, r.status, text), got)) {
        throw new UntrustedAnswer(`response ${r.status} to ${method} ${path} has ${got ? "a wrong" : "no"} Claimlink-Response-MAC`);
      }
      const parsed = text ? JSON.parse(text) : null;
      if (r.status === 401 && (parsed as { code?: string })?.code === "stale_timestamp" && !resynced) {
        const date = Date.parse(r.headers.get("date") ?? "");
        if (!Number.isNaN(date)) {
          this.clockOffset = Math.floor(date / 1000) - Math.floor(Date.now() / 1000);
          this.log(`Clock resynchronised from the server (offset ${this.clockOffset} s).`);
          resynced = true;
          continue;
        }
      }
      return { status: r.status, body: parsed, text };
    }
  }

  /** Shifts the device clock (tests: a device whose clock drifted). */
  skewClock(seconds: number) {
    this.clockOffset += seconds;
  }
}

export function refusedFrom(status: number, body: unknown): Refused {
  return new Refused(status, (body as { code?: string })?.code ?? "unknown", body);
}
