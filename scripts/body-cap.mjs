// The cap on every request body, applied by the app's server (scripts/start.mjs) before anything
// reads it: Next's own routes (next-auth's sign-in among them, open to anyone) would otherwise
// read a body of any size whole. Routes under /api/v1 read with their own, tighter caps as well.
import { randomBytes } from "node:crypto";
import { SECURITY_HEADERS } from "./security-headers.mjs";

/** No route takes more (the largest, a measurement batch or a legacy import, is 256 KiB). */
export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;

/**
 * Why a request's body is refused before it is read, or null. A declared length past the cap is
 * 413. A body without a declared length (chunked) is 411 for Next's routes, which would read it
 * whole; the /api/v1 router counts such a body as it reads it.
 */
export function bodyRefusal(req, api) {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > MAX_REQUEST_BODY_BYTES)
    return {
      status: 413,
      code: "payload_too_large",
      title: "Request body too large",
      detail: `The body may be at most ${MAX_REQUEST_BODY_BYTES} bytes.`,
    };
  if (!api && declared === undefined && req.headers["transfer-encoding"] !== undefined)
    return {
      status: 411,
      code: "length_required",
      title: "Length required",
      detail: "Send the body with a Content-Length.",
    };
  return null;
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
