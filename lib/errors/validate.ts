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

/** True for a database unique-constraint violation (SQLSTATE 23505), on either driver. */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } } | null;
  return e?.code === "23505" || e?.cause?.code === "23505";
}
