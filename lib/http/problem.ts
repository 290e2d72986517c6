import { randomBytes } from "node:crypto";
import { AppError } from "./errors";

export function newRequestId(): string {
  return `req_${randomBytes(8).toString("hex")}`;
}

/** The exact problem+json text of an error (what a response MAC covers). */
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
  return JSON.stringify(body);
}

/** RFC 9457 problem+json with the protocol's `code` member and a request id for support. */
export function problemResponse(err: AppError, requestId: string, headers: HeadersInit = {}): Response {
  const h = new Headers(headers);
  h.set("Content-Type", "application/problem+json");
  h.set("Cache-Control", "no-store");
  h.set("X-Request-Id", requestId);
  if (err.extra.retryAfterSeconds !== undefined) h.set("Retry-After", String(err.extra.retryAfterSeconds));
  return new Response(problemBody(err, requestId), { status: err.status, headers: h });
}

/** Any error as a problem: AppError as it is; anything else a logged 500 with a generic text. */
export function toProblem(err: unknown, requestId: string): Response {
  if (err instanceof AppError) return problemResponse(err, requestId);
  console.error(`[${requestId}]`, err);
  return problemResponse(new AppError("internal_error", "The request failed on our side. Quote the request id if you report it."), requestId);
}
