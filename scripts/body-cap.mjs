// The cap on every request body, applied by the app's server (scripts/start.mjs) before anything
// reads it: Next's own routes (next-auth's sign-in among them, open to anyone) would otherwise
// read a body of any size whole. Routes under /api/v1 read with their own, tighter caps as well.
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
 * Caps `req`'s body before any handler reads it; true when the request was refused. A declared
 * length past the cap is refused at once. A body without one (chunked) is counted as it arrives
 * and the request is refused, its connection closed, the moment it passes the cap, so no handler
 * ever holds more than the cap.
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
    req.push = push;
    if (!res.headersSent) refuseBody(res, TOO_LARGE);
    req.socket?.destroySoon?.();
    return false;
  };
  return false;
}

/** Answers a refused body with problem+json and closes the connection, leaving the body unread. */
export function refuseBody(res, refusal) {
  const requestId = `req_${randomBytes(8).toString("hex")}`;
  for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
  res.writeHead(refusal.status, {
    "Content-Type": "application/problem+json",
    "Cache-Control": "no-store",
    "X-Request-Id": requestId,
    Connection: "close",
  });
  res.end(JSON.stringify({ type: "about:blank", ...refusal, requestId }));
  res.on("finish", () => res.req?.socket?.destroySoon?.());
}
