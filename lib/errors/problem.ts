import { randomFillSync } from "node:crypto";
import { AppError } from "./app-error";

// The one problem+json renderer (RFC 9457, with the protocol's `code` member and a request id
// for support). Every answer that reports an error, to a person or a device, is made here.

// Request ids are drawn from a pool filled 4 KiB at a time: one call into the kernel's random
// source per 512 requests rather than one per request (a measurable part of a signed report).
const ID_POOL = Buffer.alloc(4096);
let idPoolAt = ID_POOL.length;

export function newRequestId(): string {
  if (idPoolAt + 8 > ID_POOL.length) {
    randomFillSync(ID_POOL);
    idPoolAt = 0;
  }
  const id = ID_POOL.toString("hex", idPoolAt, idPoolAt + 8);
  idPoolAt += 8;
  return `req_${id}`;
}

/** The exact problem+json text of an error (what a device's response MAC covers). */
export function problemBody(err: AppError, requestId: string): string {
  const body: Record<string, unknown> = {
    type: "about:blank",
    title: err.title,
    status: err.status,
    code: err.code,
    detail: err.detail,
    requestId,
  };
  if (err.extra.errors) body.errors = err.extra.errors;
  if (err.extra.retryAfterSeconds !== undefined) body.retryAfterSeconds = err.extra.retryAfterSeconds;
  if (err.extra.serverTime !== undefined) body.serverTime = err.extra.serverTime;
  return JSON.stringify(body);
}

/** The headers every problem answer carries (Retry-After when the error names a wait). */
export function problemHeaders(err: AppError, requestId: string, headers: HeadersInit = {}): Headers {
  const h = new Headers(headers);
  h.set("Content-Type", "application/problem+json");
  h.set("Cache-Control", "no-store");
  h.set("X-Request-Id", requestId);
  if (err.extra.retryAfterSeconds !== undefined) h.set("Retry-After", String(err.extra.retryAfterSeconds));
  if (err.extra.contentRange !== undefined) h.set("Content-Range", err.extra.contentRange);
  return h;
}

export function problemResponse(err: AppError, requestId: string, headers: HeadersInit = {}): Response {
  return new Response(problemBody(err, requestId), {
    status: err.status,
    headers: problemHeaders(err, requestId, headers),
  });
}

type Coded = { name?: unknown; code?: unknown; constraint_name?: unknown; constraint?: unknown; cause?: unknown };

/** The chain of an error and its causes, at most a few deep. */
function chainOf(err: unknown): Coded[] {
  const chain: Coded[] = [];
  for (let e = err; e && typeof e === "object" && chain.length < 4; e = (e as Coded).cause) chain.push(e as Coded);
  return chain;
}

/**
 * The database connection was lost or refused (PostgreSQL restarted or failing over, a backend
 * terminated, too many connections): postgres.js's connection codes, a socket's errno, or the
 * SQLSTATEs of class 08 (connection exception), 57P01-57P03 (shutdown) and 53300.
 */
const CONNECTION_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "57P01",
  "57P02",
  "57P03",
  "53300",
]);

export function isConnectionLoss(err: unknown): boolean {
  return chainOf(err).some(
    (e) => typeof e.code === "string" && (CONNECTION_CODES.has(e.code) || /^08[0-9A-Z]{3}$/.test(e.code)),
  );
}

/**
 * A database error: one with a SQLSTATE (5 characters) or a driver's errno code anywhere in its
 * chain, or drizzle's wrapper. Its message and fields carry the query's parameters and values
 * (password hashes, token hashes), so only its class, code and constraint are logged.
 */
function databaseErrorSummary(err: unknown): string | null {
  const chain = chainOf(err);
  const isDb =
    chain.some(
      (e) =>
        (e as object).constructor?.name === "DrizzleQueryError" ||
        (typeof e.code === "string" && /^[0-9A-Z]{5}$/.test(e.code)) ||
        (e as object).constructor?.name === "PostgresError",
    ) || isConnectionLoss(err);
  if (!isDb) return null;
  return chain
    .map((e) => {
      const parts = [(e as object).constructor?.name ?? "Error"];
      if (typeof e.code === "string") parts.push(`code=${e.code}`);
      const constraint = e.constraint_name ?? e.constraint;
      if (typeof constraint === "string") parts.push(`constraint=${constraint}`);
      return parts.join(" ");
    })
    .join(" <- ");
}

/**
 * What may be logged of an error that is not answered with its own text: a database error's
 * class, code and constraint only (its message and fields carry the query's parameters), else
 * the error's message.
 */
export function loggableError(err: unknown): string {
  return databaseErrorSummary(err) ?? (err instanceof Error ? `${err.name}: ${err.message}` : String(err));
}

/** Logs an unexpected error under the request id; a database error without its parameters. */
export function logInternalError(requestId: string, err: unknown): void {
  const summary = databaseErrorSummary(err);
  if (summary) console.error(`[${requestId}] database error: ${summary}`);
  else console.error(`[${requestId}]`, err);
}

/** The wait a 503 `database_unavailable` names (Retry-After). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * Any thrown value as an AppError: an AppError as it is; anything else is logged under the
 * request id and becomes the generic 500, so no internal cause reaches a client.
 */
export function asAppError(err: unknown, requestId: string): AppError {
  if (err instanceof AppError) return err;
  logInternalError(requestId, err);
  // A lost connection is not a fault of the request: 503 with a short wait, and the next
  // request gets a new connection (the client retries; a device's same answer gets the same result).
  if (isConnectionLoss(err))
    return new AppError("database_unavailable", "The database is not reachable for a moment. Try again shortly.", {
      retryAfterSeconds: DATABASE_RETRY_AFTER_SECONDS,
    });
  return new AppError("internal_error", "The request failed on our side. Quote the request id if you report it.");
}

/** Any error as a problem response (see `asAppError`). */
export function toProblem(err: unknown, requestId: string): Response {
  return problemResponse(asAppError(err, requestId), requestId);
}
