// The cap on every request body, applied by the app's server (scripts/start.mjs) before anything
// reads it: Next's own routes (next-auth's sign-in among them, open to anyone) would otherwise
// read a body of any size whole. Routes under /api/v1 read with their own, tighter caps.
import { randomBytes } from "node:crypto";
import { SECURITY_HEADERS } from "./security-headers.mjs";

/** No route takes more (the largest, a measurement batch or a legacy import, is 256 KiB). */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

const TOO_LARGE = {
  status: 413,
  code: "payload_too_large",
  title: "Request body too large",
  detail: `The body may be at most ${MAX_REQUEST_BODY_BYTES} bytes.`,
};

/**
 * Caps the body of a request for Next's routes (pages, server actions, next-auth) before Next
 * reads it; true when the request was refused. A declared length past the cap is refused at
 * once (Node then reads the unsent rest and drops it, holding none of it, so the client gets the
 * answer rather than a broken pipe). A body without one (chunked) is counted as it arrives and
 * refused, its connection cut, the moment it passes the cap, so Next never holds more than the cap.
 * /api/v1 is not capped here: each of its routes reads with a tighter cap of its own.
 */
export function capRequestBody(req, res) {
  const declared = req.headers["content-length"];
  if (declared !== undefined) {
    if (Number(declared) <= MAX_REQUEST_BODY_BYTES) return false;
    refuseBody(res, TOO_LARGE);
    return true;
  }
  if (req.headers["transfer-encoding"] === undefined) return false;
  // Node's HTTP parser hands each piece of the body to the request's push(): counting there sees
  // every byte before any reader does.
  let seen = 0;
  const push = req.push;
  req.push = function countedPush(chunk, encoding) {
    if (chunk) seen += chunk.length;
    if (seen <= MAX_REQUEST_BODY_BYTES) return push.call(this, chunk, encoding);
    req.push = () => false;
    if (!res.headersSent) refuseBody(res, TOO_LARGE, { close: true });
    else req.socket?.destroy();
    return false;
  };
  return false;
}

/** Answers a refused body with problem+json; with `close`, the connection ends with the answer. */
export function refuseBody(res, refusal, { close = false } = {}) {
  const requestId = `req_${randomBytes(8).toString("hex")}`;
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  res.writeHead(refusal.status, {
    "Content-Type": "application/problem+json",
    "Cache-Control": "no-store",
    "X-Request-Id": requestId,
    ...(close ? { Connection: "close" } : {}),
  });
  res.end(JSON.stringify({ type: "about:blank", ...refusal, requestId }));
  if (close) res.on("finish", () => res.req?.socket?.destroy());
}
