import type { z } from "zod";
import { AppError } from "./app-error";

/** Parses with a zod schema or throws `invalid_request` listing each field's problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
  const summary = errors.map((e) => `${e.path} ${e.message}`).join("; ");
  throw new AppError("invalid_request", summary, { errors });
}

/** JSON text parsed, or `invalid_request` (a signed body is parsed only after its signature checked). */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON.");
  }
}

/** True when a name has no control characters (C0 or DEL): what every display name must meet. */
export function hasNoControlChars(s: string): boolean {
  return ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

/** A database error's SQLSTATE, on either driver (postgres.js sets `code`; drizzle wraps it in `cause`). */
export function sqlState(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | null;
  // Five characters, not a Node system error's code (EPIPE, EPERM): no SQLSTATE class begins with E.
  for (const code of [e?.code, e?.cause?.code])
    if (typeof code === "string" && /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code)) return code;
  return undefined;
}

/** True for a database unique-constraint violation (SQLSTATE 23505), on either driver. */
export function isUniqueViolation(err: unknown): boolean {
  return sqlState(err) === "23505";
}
