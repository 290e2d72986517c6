// A Claimlink device, as firmware would implement it from docs/protocol.md: provisioning, signed
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
  pinKey,
  qrText,
  randomB64u,
  sameBytes,
  stepOf,
  verifyServerSignature,
  type PinnedKey,
} from "./protocol";

export type Credential = { deviceId: string; credentialId: string; secretHex: string; name: string };

export type Session = {
  sid: string;
  sessionToken: string;
  claimUrl: string;
  serverTime: number;
  step: number;
  expiresAt: string;
};

export type Challenge = {
  state: "challenge";
  claimId: string;
  nonce: string;
  serverProof: string;
  account: { displayName: string };
  expiresAt: string;
};
export type PollAnswer =
  | { state: "waiting"; expiresAt: string }
  | Challenge
  | { state: "claimed"; deviceId: string; credentialId: string; name: string; bindMac: string }
  | { state: "expired" }
  | { state: "locked" };

/**
 * An answer from the server that the device must not act on: no valid response MAC (or, with
 * pinned keys, no valid server signature), or a session answer someone rewrote. `status` and
 * `code` are what the unauthenticated answer claimed: a hint, never a reason to forget anything.
 */
export class UntrustedAnswer extends Error {
  constructor(
    message: string,
    readonly status = 0,
    readonly code: string | null = null,
  ) {
    super(message);
  }
}

/** Provisioning gave up after its `maxSessions` ended unclaimed. */
export class NotClaimed extends Error {
  constructor() {
    super("not claimed");
  }
}

/** A refusal (problem+json) with its protocol `code`. */
export class Refused extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly body: unknown,
  ) {
    super(`${status} ${code}`);
  }
}

/** An answer to a signed request; `macVerified` is false only for a signed `unknown_credential`. */
export type SignedResult = { status: number; body: unknown; text: string; macVerified: boolean };

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
  });

type Answer = { status: number; text: string; headers: Headers; nonce: string };

/** docs/protocol.md "Timing constants": the device's own STEP and SKEW (its firmware's values). */
const DEFAULT_STEP_SECONDS = 30;
const DEFAULT_SKEW_SECONDS = 300;

export type DeviceOptions = {
  model?: string;
  firmware?: string;
  log?: (line: string) => void;
  maxBackoffMs?: number;
  /** (1.1) The server's public keys pinned in the firmware (base64url, 65 bytes each). */
  pins?: string[];
  /** The device's own PoP step; a session answer with another `step` is refused. */
  stepSeconds?: number;
  skewSeconds?: number;
  /** Whether the device has a clock of its own (a host does; a board without an RTC does not). */
  hasClock?: boolean;
  /** The device's own clock in milliseconds (Date.now); a test pins it to hold one PoP step. */
  clock?: () => number;
  /**
   * Where requests are sent when that is not the server's own address (a tunnel, or in tests a
   * machine in the middle). The QR and every check still use `server`, the configured origin.
   */
  connect?: string;
};

export class DeviceClient {
  /** server time minus local time, in seconds (a device without a real-time clock). */
  private clockOffset = 0;
  private clockSet: boolean;
  private popSeed: Buffer = randomBytes(32);
  private readonly pins: PinnedKey[];
  /** The origin the firmware was built with: the QR is drawn from it, never from an answer. */
  readonly origin: string;
  session: Session | null = null;

  constructor(
    readonly server: string,
    public credential: Credential | null = null,
    readonly opts: DeviceOptions = {},
  ) {
    this.origin = new URL(server).origin;
    this.clockSet = opts.hasClock ?? true;
    this.pins = (opts.pins ?? []).map(pinKey);
  }

  get claimUrl(): string {
    return `${this.origin}/claim`;
  }

  private localSeconds(): number {
    return Math.floor((this.opts.clock ?? Date.now)() / 1000);
  }

  now(): number {
    return this.localSeconds() + this.clockOffset;
  }

  private setClock(serverSeconds: number) {
    this.clockOffset = serverSeconds - this.localSeconds();
    this.clockSet = true;
  }

  private log(line: string) {
    this.opts.log?.(line);
  }

  /** The QR text the screen shows now (origin/claim#sid.PoP). */
  currentQr(): { text: string; pop: string; step: number; secondsLeft: number } {
    const s = this.requireSession();
    const T = stepOf(this.now(), s.step);
    const p = pop(this.popSeed, s.sid, T);
    return { text: qrText(this.claimUrl, s.sid, p), pop: p, step: T, secondsLeft: s.step - (this.now() % s.step) };
  }

  /** The code the screen showed (or will show) `stepsFromNow` steps away from now. */
  codeAt(stepsFromNow: number): string {
    const s = this.requireSession();
    return pop(this.popSeed, s.sid, stepOf(this.now(), s.step) + stepsFromNow);
  }

  /**
   * Sends one request and returns the answer only if it is the server's: with pinned keys, its
   * signature must verify for this request's nonce. (1.2, docs/protocol.md section 6) The
   * signature's time is never compared with ours to refuse an answer: the nonce, fresh for this
   * request, already makes a verified answer fresh. It is authenticated time instead: a clock
   * that is not set, or is more than SKEW away from it, is set from it. `authorization` is a
   * Claimlink-HMAC header (its nonce is then the request nonce); else a fresh Claimlink-Nonce
   * is sent.
   */
  private async send(
    method: string,
    path: string,
    o: {
      body?: string;
      authorization?: { header: string; nonce: string };
      bearer?: string;
      signal?: AbortSignal;
    },
  ): Promise<Answer & { signed: boolean }> {
    const nonce = o.authorization?.nonce ?? randomB64u(16);
    const headers: Record<string, string> = {};
    if (o.authorization) headers.authorization = o.authorization.header;
    else headers["claimlink-nonce"] = nonce;
    if (o.bearer) headers.authorization = `Bearer ${o.bearer}`;
    if (o.body !== undefined) headers["content-type"] = "application/json";
    const r = await fetch(`${this.opts.connect ?? this.server}${path}`, {
      method,
      headers,
      body: o.body,
      signal: o.signal,
    });
    const text = await r.text();
    if (this.pins.length === 0) return { status: r.status, text, headers: r.headers, nonce, signed: false };
    const v = verifyServerSignature(this.pins, r.headers.get("claimlink-signature"), {
      method,
      pathAndQuery: path,
      requestNonce: nonce,
      status: r.status,
      body: text,
    });
    if (!v.ok)
      throw new UntrustedAnswer(
        `answer ${r.status} to ${method} ${path} is not signed by a pinned key`,
        r.status,
        codeOf(text),
      );
    this.takeAuthenticatedTime(v.ts, "the server's signature");
    return { status: r.status, text, headers: r.headers, nonce, signed: true };
  }

  /** (1.2) Sets the clock from authenticated time when it is unset or more than SKEW away. */
  private takeAuthenticatedTime(serverSeconds: number, source: string) {
    const skew = this.opts.skewSeconds ?? DEFAULT_SKEW_SECONDS;
    if (this.clockSet && Math.abs(serverSeconds - this.now()) <= skew) return;
    if (this.clockSet)
      this.log(`The time in ${source} is ${serverSeconds - this.now()} s from this clock; setting it.`);
    this.setClock(serverSeconds);
  }

  /** Whether the device's clock has been set (a board without a real-time clock starts unset). */
  get clockIsSet(): boolean {
    return this.clockSet;
  }

  /**
   * POST /api/v1/provisioning/sessions, signed when the device holds a credential and `signed`
   * is set. (1.1) An answer whose claimUrl is not this firmware's origin + "/claim", or whose
   * step is not the device's own, was rewritten on the way: it is refused.
   */
  async startSession(signed = false): Promise<Session> {
    this.popSeed = randomBytes(32);
    const body = JSON.stringify({ model: this.opts.model ?? "sim-room", firmware: this.opts.firmware ?? "1.0.0" });
    const res =
      signed && this.credential
        ? await this.signed("POST", "/api/v1/provisioning/sessions", body)
        : await this.send("POST", "/api/v1/provisioning/sessions", { body }).then((a) => ({
            status: a.status,
            body: parseJson(a.text),
          }));
    if (res.status !== 201) throw refusedFrom(res.status, res.body);
    const s = res.body as Session;
    if (s.claimUrl !== this.claimUrl) {
      throw new UntrustedAnswer(`the session answer names claim URL ${s.claimUrl}, not ${this.claimUrl}: refused`);
    }
    if (s.step !== (this.opts.stepSeconds ?? DEFAULT_STEP_SECONDS)) {
      throw new UntrustedAnswer(`the session answer names a ${s.step} s step, not this device's: refused`);
    }
    if (this.pins.length === 0) this.setClock(s.serverTime); // with pins, the signature's time set it
    this.session = s;
    return s;
  }

  /** One long poll: GET /api/v1/provisioning/sessions/{sid}?wait=N. */
  async poll(wait = 25, signal?: AbortSignal): Promise<PollAnswer> {
    const s = this.requireSession();
    const a = await this.send("GET", `/api/v1/provisioning/sessions/${s.sid}?wait=${wait}`, {
      bearer: s.sessionToken,
      signal,
    });
    const body = parseJson(a.text);
    if (a.status !== 200) throw refusedFrom(a.status, body);
    return body as PollAnswer;
  }

  private requireSession(): Session {
    if (!this.session) throw new Error("no provisioning session");
    return this.session;
  }

  private async post(path: string, body: unknown): Promise<{ status: number; body: unknown }> {
    const s = this.requireSession();
    const a = await this.send("POST", path, { bearer: s.sessionToken, body: JSON.stringify(body) });
    return { status: a.status, body: parseJson(a.text) };
  }

  /**
   * Answers a challenge: pop_mismatch when the server's proof matches neither the current nor
   * the previous PoP; user_declined when `confirm` says no; else the device proof. Keeps the
   * credential only when bindMac checks.
   */
  async answer(
    ch: Challenge,
    confirm?: (displayName: string) => Promise<boolean>,
  ): Promise<PollAnswer | { state: "claimed" }> {
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
      // A 5xx (the server's database away for a moment) is retried like a lost answer.
      if (r && r.status >= 500) r = null;
      if (!r) await sleep(200 * 2 ** attempt);
    }
    if (!r) throw new Error("the server did not answer the device's proof");
    if (r.status !== 200) throw refusedFrom(r.status, r.body);
    const claimed = r.body as { deviceId: string; credentialId: string; name: string; bindMac: string };
    if (!sameBytes(bindMacFor(secret, claimed.deviceId, claimed.credentialId), claimed.bindMac)) {
      throw new UntrustedAnswer("bindMac does not check: not keeping this credential");
    }
    this.credential = {
      deviceId: claimed.deviceId,
      credentialId: claimed.credentialId,
      secretHex: secret.toString("hex"),
      name: claimed.name,
    };
    return { state: "claimed" };
  }

  /**
   * Runs provisioning until claimed: starts a session (signed if asked), long-polls, answers
   * challenges, and starts over when a session expires or locks (signed again: a lock says
   * nothing about the credential). `onQr` is called whenever the code on the screen changes.
   * With `maxSessions`, gives up (throws NotClaimed) after that many sessions ended unclaimed.
   */
  async provision(
    o: {
      signed?: boolean;
      onQr?: (qr: ReturnType<DeviceClient["currentQr"]>) => void;
      confirm?: (name: string) => Promise<boolean>;
      onChallenge?: (c: Challenge) => void;
      signal?: AbortSignal;
      wait?: number;
      maxSessions?: number;
    } = {},
  ): Promise<Credential> {
    let signed = o.signed ?? false;
    let unknownRefusals = 0;
    for (let sessions = 0; ; sessions++) {
      if (o.maxSessions !== undefined && sessions >= o.maxSessions) throw new NotClaimed();
      try {
        await this.startSession(signed);
      } catch (err) {
        if (!signed || !(err instanceof Refused)) throw err;
        // A MAC-verified credential_revoked: the server holds our secret and says it is revoked.
        // A signed unknown_credential proves less (anyone can have the server say it for our
        // nonce), so only a third one in a row moves on. Either way the old credential is
        // dropped only once a new one is bound.
        if (err.code === "unknown_credential" && ++unknownRefusals < 3) {
          this.log("The server says it does not know this credential; trying a signed session again.");
          await sleep(1000 * unknownRefusals, o.signal);
          continue;
        }
        if (err.code !== "credential_revoked" && err.code !== "unknown_credential") throw err;
        this.log(`The server refused this credential (${err.code}); starting an unsigned session.`);
        signed = false;
        continue;
      }
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
            break;
          }
        }
      } finally {
        clearInterval(timer);
      }
    }
  }

  /**
   * A signed request (section 3). Acts only on answers it can authenticate: a valid
   * Claimlink-Response-MAC, or (with pinned keys) a valid server signature, which also covers
   * refusals the server cannot MAC (`unknown_credential`). Anything else is an UntrustedAnswer.
   * On an authenticated stale_timestamp it sets its clock from the answer's serverTime (never
   * from the Date header) and retries once; (1.2) a pinned device has usually set it already
   * from the refusal's signature; network failures are retried with backoff, each
   * try with a fresh nonce.
   */
  async signed(method: string, path: string, body = "", signal?: AbortSignal): Promise<SignedResult> {
    const cred = this.credential;
    if (!cred) throw new Error("no credential");
    const secret = Buffer.from(cred.secretHex, "hex");
    let resynced = false;
    for (let attempt = 0; ; attempt++) {
      const authorization = authorizationHeader(cred.credentialId, secret, method, path, this.now(), body);
      let a: Answer & { signed: boolean };
      try {
        a = await this.send(method, path, {
          authorization,
          body: method === "GET" ? undefined : body,
          signal,
        });
      } catch (err) {
        if (err instanceof UntrustedAnswer || signal?.aborted) throw err;
        const delay = Math.min(this.opts.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(attempt, 10));
        this.log(`Network error (${(err as Error).message}); retrying in ${delay} ms.`);
        await sleep(delay, signal);
        continue;
      }
      const got = a.headers.get("claimlink-response-mac");
      const macOk = !!got && sameBytes(expectedResponseMac(secret, a.nonce, a.status, a.text), got);
      // The response MAC is what binds an answer to this device's credential. A server signature
      // binds it only to the request's nonce, which travels in clear: someone with a credential
      // of their own can have the server sign an answer about *their* device for our nonce. So a
      // signature never replaces the MAC; it only vouches for the one refusal the server cannot
      // MAC, `unknown_credential`, and even that proves only that the server said it to someone.
      const signedUnknown = !got && a.signed && a.status === 401 && codeOf(a.text) === "unknown_credential";
      if (!macOk && !signedUnknown) {
        throw new UntrustedAnswer(
          `response ${a.status} to ${method} ${path} has ${got ? "a wrong" : "no"} Claimlink-Response-MAC`,
          a.status,
          codeOf(a.text),
        );
      }
      const parsed = parseJson(a.text);
      const serverTime = (parsed as { code?: string; serverTime?: unknown })?.serverTime;
      if (a.status === 401 && codeOf(a.text) === "stale_timestamp" && !resynced && typeof serverTime === "number") {
        // Only a MAC-verified refusal gets here (above): its serverTime is authenticated.
        this.setClock(serverTime);
        this.log(`Clock set from the server's authenticated answer (offset ${this.clockOffset} s).`);
        resynced = true;
        continue;
      }
      return { status: a.status, body: parsed, text: a.text, macVerified: macOk };
    }
  }

  /** Shifts the device clock (tests: a device whose clock drifted). */
  skewClock(seconds: number) {
    this.clockOffset += seconds;
  }
}

function parseJson(text: string): unknown {
  try {
    return text ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

function codeOf(text: string): string | null {
  const code = (parseJson(text) as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : null;
}

export function refusedFrom(status: number, body: unknown): Refused {
  return new Refused(status, (body as { code?: string })?.code ?? "unknown", body);
}
