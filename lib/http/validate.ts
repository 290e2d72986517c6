import type { z } from "zod";
import { AppError } from "./errors";

/** Parses with a zod schema or throws `invalid_request` listing each field's problem. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const errors = r.error.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
  const summary = errors.map((e) => `${e.path} ${e.message}`).join("; ");
  throw new AppError("invalid_request", summary, { errors });
}

/** True when a name has no control characters (C0 or DEL): what every display name must meet. */
export function hasNoControlChars(s: string): boolean {
  return ![...s].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f);
}

/** The token of `Authorization: Bearer <token>`, or "" when the header is absent or another scheme. */
export function bearerToken(authorization: string | null): string {
  return authorization?.startsWith("Bearer ") ? authorization.slice(7).trim() : "";
}
