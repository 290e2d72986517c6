import { z } from "zod";
import { hasNoControlChars } from "../errors/validate";

// Every input of the integration use cases (API tokens), strict and bounded.

/** What a token may read. `study:<id>:read` names one study (docs/integrations.md). */
export const FIXED_SCOPES = ["devices:read", "fleet:read", "audit:read"] as const;
export type FixedScope = (typeof FIXED_SCOPES)[number];
export type Scope = FixedScope | `study:${string}:read`;
/** What a route asks of a token: one of the fixed scopes, or the study in its path. */
export type RouteScope = FixedScope | "study:read";

const STUDY_SCOPE = /^study:(stu_[A-Z2-7]{16}):read$/;

export function studyOfScope(scope: string): string | null {
  return STUDY_SCOPE.exec(scope)?.[1] ?? null;
}

export const scopeSchema = z
  .string()
  .max(64)
  .refine(
    (s) => (FIXED_SCOPES as readonly string[]).includes(s) || studyOfScope(s) !== null,
    "is not a scope (devices:read, fleet:read, audit:read or study:<study id>:read)",
  );

export const MAX_TOKEN_DAYS = 365;

export const newTokenSchema = z.strictObject({
  name: z
    .string()
    .trim()
    .min(1, "is required")
    .max(80, "must be at most 80 characters")
    .refine(hasNoControlChars, "must not contain control characters"),
  scopes: z
    .array(scopeSchema)
    .min(1, "must name at least one scope")
    .max(20)
    .refine((a) => new Set(a).size === a.length, "must not repeat a scope"),
  expiresInDays: z
    .number()
    .int("must be a whole number of days")
    .min(1, "must be at least 1 day")
    .max(MAX_TOKEN_DAYS, `must be at most ${MAX_TOKEN_DAYS} days`)
    .default(90),
});
export type NewTokenInput = z.infer<typeof newTokenSchema>;

/** The token as presented: `clk_` and 52 base32 characters (32 random bytes). */
export const TOKEN_PATTERN = /^clk_[A-Z2-7]{52}$/;
