// Routes answered by the app's server itself (scripts/start.mjs) rather than through Next's
// router: the device's long poll, which thousands of devices hold open and renew when it ends,
// and the three requests every claim waits on (the device's answer, the person's claim and their
// wait for its outcome). Next's per-request machinery (routing, rewrites, its request and
// response wrappers) was the largest share of the CPU these cost (docs/decisions/0010). The
// handlers are the routes' own (lib/http/direct-routes.ts and lib/http/claim-routes.ts,
// registered when the server starts); only exact, plain paths are taken here, everything else
// goes to Next as before.
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { SECURITY_HEADERS } from "./security-headers.mjs";

export const DIRECT_ROUTES = Symbol.for("claimlink.direct-routes");

/** Ids as the protocol writes them; anything else (percent-escapes, a trailing slash) goes to Next. */
const POLL_PATH = /^\/api\/v1\/provisioning\/sessions\/([A-Za-z0-9_-]{1,64})$/;
const ANSWER_PATH = /^\/api\/v1\/provisioning\/sessions\/([A-Za-z0-9_-]{1,64})\/claims\/([A-Za-z0-9_-]{1,64})$/;
const CLAIMS_PATH = "/api/v1/claims";
/** A claim id as the app makes them; any other segment (`preview`, say) goes to Next. */
const CLAIM_PATH = /^\/api\/v1\/claims\/(clm_[A-Z2-7]{16})$/;

/** The registered handlers, once the server has started (undefined before, or under `next dev`). */
export function directRoutes() {
  return globalThis[DIRECT_ROUTES];
}

/** The direct route for this request, or null when Next should answer it. */
export function directRouteFor(req, routes = directRoutes()) {
  if (!routes) return null;
  const url = req.url ?? "/";
  const q = url.indexOf("?");
  const path = q < 0 ? url : url.slice(0, q);
  if (req.method === "GET") {
    const m = POLL_PATH.exec(path);
    if (m) return { handler: routes.pollSession, params: { sid: m[1] } };
    const c = CLAIM_PATH.exec(path);
    return c && routes.waitForClaim ? { handler: routes.waitForClaim, params: { claimId: c[1] } } : null;
  }
  if (req.method === "POST") {
    if (path === CLAIMS_PATH) return routes.createClaim ? { handler: routes.createClaim, params: {} } : null;
    const m = ANSWER_PATH.exec(path);
    return m ? { handler: routes.answerChallenge, params: { sid: m[1], claimId: m[2] } } : null;
  }
  return null;
}

/**
 * The request's headers as Node parsed them: `req.headers`, not the raw list, since the server
 * has appended the socket's peer to X-Forwarded-For there (scripts/start.mjs). A value the Web
 * Headers class refuses is left out, as no handler could read it anyway.
 */
function webHeaders(nodeHeaders) {
  const headers = new Headers();
  for (const [key, value] of Object.entries(nodeHeaders)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      if (v === undefined) continue;
      try {
        headers.append(key, v);
      } catch {
        // not a valid header value for fetch's Headers
      }
    }
  }
  return headers;
}

/**
 * Answers `req` with `route.handler` (a Web Request in, a Response out, as a Next route
 * handler): the request's signal aborts when the client goes away before the answer, as under
 * Next, so a dropped poll ends at once.
 */
export async function answerDirect(route, req, res) {
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on("close", onClose);
  try {
    // The handlers read the path and query only (the host is the client's to choose, and an
    // invalid one must not fail the request).
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: webHeaders(req.headers),
      signal: abort.signal,
      ...(req.method === "POST" ? { body: Readable.toWeb(req), duplex: "half" } : {}),
    });
    const response = await route.handler(request, { params: Promise.resolve(route.params) });
    const body = Buffer.from(await response.arrayBuffer());
    if (res.destroyed) return;
    for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    res.setHeader("Content-Length", body.length);
    res.writeHead(response.status);
    res.end(body);
  } catch (err) {
    // The handler answers every refusal itself; this is a fault of its own (logged, never its detail to the device).
    const requestId = `req_${randomBytes(8).toString("hex")}`;
    console.error(`[direct] ${requestId}`, err);
    if (res.headersSent || res.destroyed) return res.destroy();
    for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
    res.writeHead(500, {
      "Content-Type": "application/problem+json",
      "Cache-Control": "no-store",
      "X-Request-Id": requestId,
    });
    res.end(
      JSON.stringify({
        type: "about:blank",
        title: "Internal error",
        status: 500,
        code: "internal_error",
        detail: "The request failed on our side. Quote the request id if you report it.",
        requestId,
      }),
    );
  } finally {
    res.off("close", onClose);
  }
}
