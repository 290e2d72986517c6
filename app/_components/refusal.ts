import { ApiError } from "./api";

// A page shows a refusal by its problem `code` (docs/i18n.md), never by the server's English
// detail: the key of the page's own sentence for that code, or "other".

export type Refusal = { key: string; values?: { minutes: number } };

/** The message key under a page's `refusals` for an error; `rate_limited` carries the minutes to wait. */
export function refusalOf(err: unknown, known: readonly string[]): Refusal {
  const code = err instanceof ApiError ? err.code : "other";
  if (code === "rate_limited" && known.includes(code)) {
    const seconds = err instanceof ApiError ? (err.retryAfterSeconds ?? 60) : 60;
    return { key: code, values: { minutes: Math.max(1, Math.ceil(seconds / 60)) } };
  }
  return { key: known.includes(code) ? code : "other" };
}
