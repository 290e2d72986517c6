// One error type for everything a caller may be told. `code` is the stable machine-readable
// value (PROTOCOL.md "Encodings"); `detail` is safe to show; internal causes never go here.

export const ERROR_STATUS = {
  invalid_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  csrf_failed: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  email_taken: 409,
  unsupported_media_type: 415,
  payload_too_large: 413,
  rate_limited: 429,
  database_unavailable: 503,
  internal_error: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  invalid_request: "The request is not valid",
  unauthenticated: "Sign in required",
  forbidden: "Not allowed",
  csrf_failed: "Cross-site request refused",
  not_found: "Not found",
  method_not_allowed: "Method not allowed",
  conflict: "Conflict",
  email_taken: "Email already in use",
  unsupported_media_type: "Unsupported media type",
  payload_too_large: "Request body too large",
  rate_limited: "Too many attempts",
  database_unavailable: "Database unavailable",
  internal_error: "Something went wrong on our side",
};

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly extra: { retryAfterSeconds?: number; errors?: { path: string; message: string }[] } = {},
  ) {
    super(`${code}: ${detail}`);
    this.name = "AppError";
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
  get title(): string {
    return TITLES[this.code];
  }
}
