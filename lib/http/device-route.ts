import type { Actor } from "../audit/record";
import { responseMac } from "../crypto/protocol";
import { currentKey } from "../crypto/server-keys";
import { signAnswer, signatureHeader } from "../crypto/server-signature";
import { appDatabase, type Database, type Db } from "../db/client";
import {
  cachedSigner,
  forgetSigner,
  isRefusal,
  loadSigner,
  rememberSigner,
  verifyKnownSigner,
  type CachedSigner,
  type FusedPlan,
  parseSignedAuthorization,
  verifyDeviceRequest,
  type VerifiedDevice,
} from "../devices/signed-request";
import { AppError } from "../errors/app-error";
import { isUniqueViolation } from "../errors/validate";
import { asAppError, newRequestId, problemBody, problemHeaders } from "../errors/problem";
import { provisioningConfig, type ProvisioningConfig } from "../provisioning/config";
import { addressBucket } from "../rate-limit/address";
import { clientIp } from "./client-ip";
import { auditRefusal } from "./refusals";
import { bearerToken, readBodyCapped, readJson, SMALL_BODY_BYTES } from "./request";

// The wrappers of every device-facing route (docs/protocol.md): the signed device API and the
// unsigned provisioning calls. Every answer is signed with the server's key (section 6); a
// device request loads no session or auth code: nothing here imports next/* or next-auth
// (lib/http/device-route-graph.test.ts proves it).

type Params = Record<string, string>;
type Ctx = { params?: Promise<Record<string, string | string[]>> };

/** The route's single-segment parameters (a catch-all's list is not a parameter a handler reads). */
async function paramsOf(ctx: Ctx): Promise<Params> {
  const all = (await ctx.params) ?? {};
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, string] => typeof e[1] === "string"));
}
export type RouteHandler = (req: Request, ctx: Ctx) => Promise<Response>;

/** What a device handler answers: a status and a JSON body, serialised once (MAC and signature cover those bytes). */
export type DeviceReply = { status: number; body: unknown };

type Common = { req: Request; params: Params; ip: string | null; database: Database; cfg: ProvisioningConfig };
/** A signed request whose signature, time and nonce checked (docs/protocol.md section 3). */
export type SignedDeviceRequest = Common & { device: VerifiedDevice; bodyText: string };
/** An unsigned provisioning call (section 1): the bearer session token, and the JSON body when there is one. */
export type UnsignedDeviceRequest = Common & { sessionToken: string; body: unknown };

type Options = { maxBytes?: number; refusals?: string; readsBody?: boolean; fused?: FusedRoute };

/**
 * A handler's work fused into the statement that takes the nonce (`FusedPlan`), for a device
 * this process has seen; null when this request is not for it. `answer` reads the plan's
 * columns, or returns null, having changed nothing, for the handler to answer.
 */
export type FusedRoute = (r: {
  db: Db;
  deviceId: string;
  bodyText: string;
  cfg: ProvisioningConfig;
}) =>
  | (FusedPlan & { answer(columns: Record<string, unknown>, r: SignedDeviceRequest): Promise<DeviceReply | null> })
  | null;
type Mac = { secret: Buffer; nonce: string } | null;

const DEVICE_ACTOR_LABEL = "device";
/** b64url of 16 to 48 random bytes (docs/protocol.md section 1). */
const NONCE = /^[A-Za-z0-9_-]{22,64}$/;

/**
 * The nonce an answer's signature is bound to (section 6): the request's Claimlink-Nonce, or
 * the nonce of its Claimlink-HMAC authorization, or "-". A malformed Claimlink-Nonce is
 * refused (`invalid_request`) and its refusal signed with "-".
 */
function requestNonceOf(req: Request): { nonce: string; malformed: boolean } {
  const given = req.headers.get("claimlink-nonce");
  if (given !== null) {
    return NONCE.test(given) && given.length % 4 !== 1
      ? { nonce: given, malformed: false }
      : { nonce: "-", malformed: true };
  }
  return { nonce: parseSignedAuthorization(req.headers.get("authorization"))?.nonce ?? "-", malformed: false };
}

/** One answer to one device request: everything `send` needs to sign it. */
class SignedAnswer {
  readonly requestId = newRequestId();
  readonly cfg = provisioningConfig();
  readonly ip: string | null;
  private readonly nonce: { nonce: string; malformed: boolean };

  constructor(readonly req: Request) {
    this.ip = clientIp(req.headers);
    this.nonce = requestNonceOf(req);
  }

  refuseMalformedNonce() {
    if (this.nonce.malformed) {
      throw new AppError("invalid_request", "Claimlink-Nonce must be base64url of 16 to 48 random bytes.");
    }
  }

  /** Signed with the current key (section 6); with a known credential, also MACed (section 3). */
  send(status: number, text: string, headers: Headers, mac: Mac): Response {
    const ts = Math.floor(Date.now() / 1000);
    const url = new URL(this.req.url);
    const key = currentKey(this.cfg.signingKeys);
    const sig = signAnswer(key.privateKey, {
      method: this.req.method,
      pathAndQuery: url.pathname + url.search,
      requestNonce: this.nonce.nonce,
      status,
      ts,
      body: text,
    });
    headers.set("Cache-Control", "no-store");
    headers.set("X-Request-Id", this.requestId);
    headers.set("Date", new Date(ts * 1000).toUTCString());
    headers.set("Claimlink-Signature", signatureHeader(key.kid, ts, sig));
    if (mac) headers.set("Claimlink-Response-MAC", responseMac(mac.secret, mac.nonce, status, text));
    // The app's server writes the text as it is (scripts/api-server.mjs) rather than read it
    // back from the Response's stream: the bytes the signature and MAC cover, either way.
    return Object.assign(new Response(text, { status, headers }), { [ANSWER_TEXT]: text });
  }

  reply(reply: DeviceReply, mac: Mac): Response {
    return this.send(
      reply.status,
      JSON.stringify(reply.body),
      new Headers({ "Content-Type": "application/json" }),
      mac,
    );
  }

  fail(err: AppError, mac: Mac): Response {
    const headers = problemHeaders(err, this.requestId);
    if (err.status === 401) headers.set("WWW-Authenticate", `Claimlink-HMAC error="${err.code}"`);
    return this.send(err.status, problemBody(err, this.requestId), headers, mac);
  }
}

/** Where a device answer's exact text travels beside its Response (scripts/api-server.mjs). */
const ANSWER_TEXT = Symbol.for("claimlink.answerText");

/**
 * A route of the signed device API. The body is read as bytes and the signature checked over
 * them before any parsing. Every answer whose credential is known, refusals included, carries
 * Claimlink-Response-MAC over the exact bytes sent; every refusal is audited.
 */
export function deviceRoute(
  handler: (r: SignedDeviceRequest) => Promise<DeviceReply>,
  opts: Options = {},
): RouteHandler {
  const action = opts.refusals ?? "device.request_refused";
  return async (req, ctx) => {
    const a = new SignedAnswer(req);
    let mac: Mac = null;
    let database: Database | null = null;
    let signer: { credentialId: string | null; deviceId: string | null } = { credentialId: null, deviceId: null };
    let refusalDetail: Record<string, unknown> = {};
    // Set while a kept credential's request is not yet verified: a refusal then (a body too
    // large) loads the credential, so its answer carries a MAC exactly when it always did.
    let kept: CachedSigner | undefined;
    try {
      a.refuseMalformedNonce();
      database = await appDatabase();
      const params = await paramsOf(ctx);
      const auth = parseSignedAuthorization(req.headers.get("authorization"));
      // A credential this process has seen needs no load: its device and secret never change,
      // and the nonce's statement reads its state as it is now (verifyKnownSigner).
      kept = cachedSigner(auth);
      let loaded = kept ? null : await loadSigner(database.db, a.cfg.secretKey, auth);
      rememberSigner(loaded);
      signer = { credentialId: auth?.credentialId ?? null, deviceId: kept?.deviceId ?? loaded?.device.id ?? null };
      if (loaded?.secret && auth && !loaded.credential.revokedAt) mac = { secret: loaded.secret, nonce: auth.nonce };
      const body = await readBodyCapped(req, opts.maxBytes ?? SMALL_BODY_BYTES);
      const url = new URL(req.url);
      const input = { method: req.method, pathAndQuery: url.pathname + url.search, auth, body };
      const bodyText = new TextDecoder("utf-8", { fatal: false }).decode(body);
      const db = database.db;
      let plan = kept && opts.fused ? opts.fused({ db, deviceId: kept.deviceId, bodyText, cfg: a.cfg }) : null;
      let verified =
        kept && auth
          ? await verifyKnownSigner(db, a.cfg, kept, { ...input, auth }, plan ?? undefined).catch((err) => {
              // The plan's statement failed whole (a reading already stored): nothing of it
              // happened, the nonce included; once more without it, for the handler to answer.
              if (!plan || !isUniqueViolation(err)) throw err;
              plan = null;
              return verifyKnownSigner(db, a.cfg, kept!, { ...input, auth });
            })
          : null;
      if (!verified) {
        if (kept && auth) {
          // A wrong signature, or a kept secret no longer right: answer from the database as it is.
          forgetSigner(auth.credentialId);
          kept = undefined;
          loaded = await loadSigner(database.db, a.cfg.secretKey, auth);
          rememberSigner(loaded);
          signer = { credentialId: auth?.credentialId ?? null, deviceId: loaded?.device.id ?? null };
        }
        verified = await verifyDeviceRequest(database.db, a.cfg, loaded, input);
      }
      kept = undefined;
      if (isRefusal(verified)) {
        mac = verified.secret && verified.nonce ? { secret: verified.secret, nonce: verified.nonce } : null;
        refusalDetail = verified.audit ?? {};
        throw verified.error;
      }
      mac = { secret: verified.secret, nonce: verified.nonce };
      signer.deviceId = verified.device.id;
      const request = { req, params, ip: a.ip, database, cfg: a.cfg, device: verified, bodyText };
      const fusedColumns = "fused" in verified ? verified.fused : undefined;
      const fusedReply = plan && fusedColumns ? await plan.answer(fusedColumns, request) : null;
      return a.reply(fusedReply ?? (await handler(request)), mac);
    } catch (err) {
      const appError = asAppError(err, a.requestId);
      if (kept && database) {
        const auth = parseSignedAuthorization(req.headers.get("authorization"));
        const loaded = await loadSigner(database.db, a.cfg.secretKey, auth).catch(() => null);
        signer = { credentialId: auth?.credentialId ?? null, deviceId: loaded?.device.id ?? null };
        mac =
          loaded?.secret && auth && !loaded.credential.revokedAt ? { secret: loaded.secret, nonce: auth.nonce } : null;
      }
      if (database && appError.status < 500) {
        const actor: Actor = { id: null, label: DEVICE_ACTOR_LABEL, ip: a.ip };
        await auditRefusal(database.db, actor, action, appError, req, {
          // Only a credential that exists names the caller: an unknown id is the sender's choice,
          // and a fresh one per request would escape the cap.
          caller: signer.deviceId ? signer.credentialId : addressBucket(a.ip),
          subjectDeviceId: signer.deviceId,
          detail: { credentialId: signer.credentialId, ...refusalDetail },
        }).catch((e) => asAppError(e, a.requestId));
      }
      return a.fail(appError, mac);
    }
  };
}

/**
 * A provisioning call a device makes before it holds a credential (docs/protocol.md section 1):
 * authenticated by the session token where the call needs one. Every refusal is audited.
 */
export function provisioningRoute(
  handler: (r: UnsignedDeviceRequest) => Promise<DeviceReply>,
  opts: Options & { refusals: string; readsBody?: boolean },
): RouteHandler {
  return async (req, ctx) => {
    const a = new SignedAnswer(req);
    let database: Database | null = null;
    let params: Params = {};
    try {
      a.refuseMalformedNonce();
      database = await appDatabase();
      params = await paramsOf(ctx);
      const body =
        req.method === "POST" && opts.readsBody !== false
          ? await readJson(req, opts.maxBytes ?? SMALL_BODY_BYTES)
          : undefined;
      const sessionToken = bearerToken(req.headers.get("authorization"));
      return a.reply(await handler({ req, params, ip: a.ip, database, cfg: a.cfg, sessionToken, body }), null);
    } catch (err) {
      const appError = asAppError(err, a.requestId);
      if (database && appError.status < 500) {
        const actor: Actor = { id: null, label: DEVICE_ACTOR_LABEL, ip: a.ip };
        await auditRefusal(database.db, actor, opts.refusals, appError, req, {
          detail: params.sid ? { sid: params.sid.slice(0, 64) } : {},
        }).catch((e) => asAppError(e, a.requestId));
      }
      return a.fail(appError, null);
    }
  };
}

/** True when a request carries a Claimlink-HMAC signature (a device that holds a credential). */
export function isSignedRequest(req: Request): boolean {
  return req.headers.get("authorization")?.startsWith("Claimlink-HMAC") ?? false;
}

/** One route for devices with and without a credential (section 5: a signed session start binds the session). */
export function signedOrUnsigned(signed: RouteHandler, unsigned: RouteHandler): RouteHandler {
  return (req, ctx) => (isSignedRequest(req) ? signed(req, ctx) : unsigned(req, ctx));
}

const refuse = (code: "not_found" | "method_not_allowed", detail: string, action: string) =>
  provisioningRoute(
    async () => {
      throw new AppError(code, detail);
    },
    // A refusal of the path or method must not depend on the body (no 415 for a wrong media type).
    { refusals: action, readsBody: false },
  );

/**
 * Any path under a device-facing prefix that has no route: a signed 404, so a device that pins
 * our key can trust even that answer (docs/protocol.md section 6).
 */
export function unknownDeviceRoute(): Record<string, RouteHandler> {
  const notFound = refuse("not_found", "No such device API route.", "device.route_not_found");
  return { GET: notFound, POST: notFound, PUT: notFound, PATCH: notFound, DELETE: notFound };
}

/** Handlers for the methods a device route does not serve: a signed 405 `method_not_allowed`. */
export function signedMethodsNotAllowed(...allowed: string[]): Record<string, RouteHandler> {
  const notAllowed = refuse(
    "method_not_allowed",
    `This route answers ${allowed.join(", ")} only.`,
    "device.method_refused",
  );
  return Object.fromEntries(
    ["GET", "POST", "PUT", "PATCH", "DELETE"].filter((m) => !allowed.includes(m)).map((m) => [m, notAllowed]),
  );
}
