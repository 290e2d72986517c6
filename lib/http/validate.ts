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
