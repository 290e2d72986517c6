// How the app's server (scripts/start.mjs) answers /api/v1 itself, without Next's per-request
// machinery (its router, rewrites, request and response wrappers cost several times a route's
// own work: docs/decisions/0010 and 0011): the Node request becomes a Web Request for the
// router's bundle (lib/api/server.ts), and its Response is written back with the security
// headers every answer carries.
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { Readable } from "node:stream";
import { SECURITY_HEADERS } from "./security-headers.mjs";

export const API_PREFIX = "/api/v1";
// The router's bundle reads a small body from here (lib/http/request.ts BUFFERED_BODY) and
// leaves an answer's text here (lib/http/device-route.ts ANSWER_TEXT): no Web stream either way.
const BUFFERED_BODY = Symbol.for("claimlink.bufferedBody");
const ANSWER_TEXT = Symbol.for("claimlink.answerText");

/** True for a request the router answers: `/api/v1` and below, exactly as sent (case and escapes included). */
export function isApiPath(url) {
  const u = url ?? "/";
  const q = u.indexOf("?");
  const path = q < 0 ? u : u.slice(0, q);
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
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
 * Writes a Web Response's body: a body of one chunk (every JSON answer) with Content-Length, a
 * longer one (a CSV export) streamed as the client reads, and stopped when the client goes away.
 */
async function writeBody(response, res) {
  const text = response[ANSWER_TEXT];
  if (typeof text === "string") {
    const bodiless = res.req?.method === "HEAD" || response.status === 204 || response.status === 304;
    if (!bodiless) res.setHeader("Content-Length", Buffer.byteLength(text));
    res.writeHead(response.status);
    res.end(bodiless ? undefined : text);
    return;
  }
  const reader = response.body?.getReader();
  const first = reader ? await reader.read() : { done: true };
  const second = first.done ? first : await reader.read();
  if (second.done) {
    const body = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
    const bodiless = res.req?.method === "HEAD" || response.status === 204 || response.status === 304;
    if (!bodiless) res.setHeader("Content-Length", body.length);
    res.writeHead(response.status);
    res.end(body);
    return;
  }
  res.writeHead(response.status);
  const stop = () => void reader.cancel().catch(() => {});
  res.on("close", stop);
  try {
    for (let chunk = first; !chunk.done; chunk = chunk === first ? second : await reader.read()) {
      if (res.destroyed) return;
      if (!res.write(chunk.value)) await Promise.race([once(res, "drain"), once(res, "close")]);
    }
    res.end();
  } finally {
    res.off("close", stop);
  }
}

function internalError(res, err) {
  // The router answers every refusal itself; this is a fault of its own (logged, never its detail to the client).
  const requestId = `req_${randomBytes(8).toString("hex")}`;
  console.error(`[api] ${requestId}`, err);
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
}

/**
 * A body this small with its length declared (a device's report, a command poll's answer) is
 * read whole before the handler: cheaper than a Web stream over the Node one, and the handler
 * still reads it with its own cap. Null when the client went away before its end.
 */
const BUFFERED_BODY_BYTES = 16 * 1024;
function readSmallBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.once("end", () => resolve(Buffer.concat(chunks)));
    req.once("close", () => resolve(null));
    req.once("error", () => resolve(null));
  });
}

function bufferable(req) {
  const declared = req.headers["content-length"];
  return declared !== undefined && Number(declared) <= BUFFERED_BODY_BYTES && !req.headers["transfer-encoding"];
}

/**
 * Answers `req` with `handle` (a Web Request in, a Response out): the request's signal aborts
 * when the client goes away before the answer, so a dropped long poll ends at once, and its
 * body is streamed to the handler, which reads it with its own cap.
 */
export async function answerApi(handle, req, res) {
  const abort = new AbortController();
  const onClose = () => {
    if (!res.writableFinished) abort.abort();
  };
  res.on("close", onClose);
  try {
    const withBody = req.method !== "GET" && req.method !== "HEAD";
    let small = null;
    if (withBody && bufferable(req)) {
      small = await readSmallBody(req);
      if (small === null) return; // the client went away before its body's end
    }
    // The handlers read the path and query only (the host is the client's to choose, and an
    // invalid one must not fail the request).
    const request = new Request(`http://localhost${req.url}`, {
      method: req.method,
      headers: webHeaders(req.headers),
      signal: abort.signal,
      ...(small || !withBody ? {} : { body: Readable.toWeb(req), duplex: "half" }),
    });
    if (small) request[BUFFERED_BODY] = small;
    const response = await handle(request);
    if (res.destroyed) return void response.body?.cancel().catch(() => {});
    for (const { key, value } of SECURITY_HEADERS) res.setHeader(key, value);
    for (const [key, value] of response.headers) res.setHeader(key, value);
    await writeBody(response, res);
    // A body the handler did not read (a 405, a refusal before the body) is read and dropped,
    // as Node does for a request no one reads, so the connection can carry the next request
    // and the client is not cut off while it still sends.
    if (withBody && !req.complete) {
      req.removeAllListeners("data");
      req.resume();
    }
  } catch (err) {
    internalError(res, err);
  } finally {
    res.off("close", onClose);
  }
}
