import { responseMac } from "../crypto/protocol";
import { appDatabase } from "../db/client";
import { isRefusal, loadSigner, parseSignedAuthorization, verifyDeviceRequest, type VerifiedDevice } from "../devices/signed-request";
import { provisioningConfig } from "../provisioning/config";
import { clientIp } from "./client-ip";
import { AppError } from "./errors";
import { newRequestId, problemBody } from "./problem";
import { readBodyCapped } from "./route";

export type DeviceReply = { status: number; body: unknown };
export type DeviceRouteContext = { req: Request; params: Record<string, string>; device: VerifiedDevice; bodyText: string; ip: string | null };

/**
 * Answers a signed device request (PROTOCOL.md section 3). The body is read as bytes and the
 * signature checked over them before any JSON parsing. Every answer whose credential is known,
 * refusals included, carries Claimlink-Response-MAC over the exact bytes sent.
 */
export async function answerSignedRequest(
  req: Request,
  params: Record<string, string>,
  maxBytes: number,
  handler: (c: DeviceRouteContext) => Promise<DeviceReply>,
): Promise<Response> {
  const requestId = newRequestId();
  const ip = clientIp(req.headers);
  const cfg = provisioningConfig();
  let secret: Buffer | null = null;
  let nonce: string | null = null;
  const send = (status: number, text: string, contentType: string, extra: Record<string, string> = {}) => {
    const headers = new Headers({ "Content-Type": contentType, "Cache-Control": "no-store", "X-Request-Id": requestId, Date: new Date().toUTCString(), ...extra });
    if (secret && nonce) headers.set("Claimlink-Response-MAC", responseMac(secret, nonce, status, text));
    return new Response(text, { status, headers });
  };
  const fail = (err: AppError) => {
    const extra: Record<string, string> = {};
    if (err.status === 401) extra["WWW-Authenticate"] = `Claimlink-HMAC error="${err.code}"`;
    if (err.extra.retryAfterSeconds !== undefined) extra["Retry-After"] = String(err.extra.retryAfterSeconds);
    return send(err.status, problemBody(err, requestId), "application/problem+json", extra);
  };
  try {
    const { db } = await appDatabase();
    const auth = parseSignedAuthorization(req.headers.get("authorization"));
    const loaded = await loadSigner(db, cfg.secretKey, auth);
    if (loaded && auth && !loaded.credential.revokedAt) {
      secret = loaded.secret;
      nonce = auth.nonce;
    }
    const body = await readBodyCapped(req, maxBytes);
    const url = new URL(req.url);
    const verified = await verifyDeviceRequest(db, cfg, loaded, { method: req.method, pathAndQuery: url.pathname + url.search, auth, body, ip });
    if (isRefusal(verified)) {
      secret = verified.secret;
      nonce = verified.nonce;
      return fail(verified.error);
    }
    const bodyText = new TextDecoder("utf-8", { fatal: false }).decode(body);
    const reply = await handler({ req, params, device: verified, bodyText, ip });
    return send(reply.status, JSON.stringify(reply.body), "application/json");
  } catch (err) {
    if (err instanceof AppError) return fail(err);
    console.error(`[${requestId}]`, err);
    return fail(new AppError("internal_error", "The request failed on our side. Quote the request id if you report it."));
  }
}

/** The JSON of a signed body, parsed only after its signature checked. */
export function parseSignedJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON.");
  }
}
