import { z } from "zod";
import { base32Encode } from "./crypto/base32";
import { AppError, type ErrorCode } from "./errors/app-error";

// Every public id: a type prefix and 80 random bits in base32 (16 characters). The one table of
// prefixes, so a new kind of id cannot invent its own pattern. Browser-safe (no node: imports).

export const ID_KINDS = {
  usr: { noun: "account", notFound: "not_found" },
  ses: { noun: "session", notFound: "not_found" },
  inv: { noun: "invitation", notFound: "not_found" },
  dev: { noun: "device", notFound: "device_not_found" },
  crd: { noun: "credential", notFound: "unknown_credential" },
  clm: { noun: "claim", notFound: "claim_not_found" },
  cmd: { noun: "command", notFound: "command_not_found" },
  stk: { noun: "sign-in ticket", notFound: "not_found" },
  rcv: { noun: "recovery code", notFound: "not_found" },
  pwr: { noun: "password reset", notFound: "not_found" },
  shr: { noun: "share", notFound: "not_found" },
  lgn: { noun: "legacy node", notFound: "not_found" },
  stu: { noun: "study", notFound: "study_not_found" },
  cnv: { noun: "consent version", notFound: "consent_version_not_found" },
  enr: { noun: "enrolment", notFound: "study_not_found" },
  stp: { noun: "onboarding step", notFound: "not_found" },
  itq: { noun: "intake question", notFound: "not_found" },
  rgr: { noun: "researcher grant", notFound: "not_found" },
  ers: { noun: "erasure", notFound: "not_found" },
  tok: { noun: "API token", notFound: "not_found" },
  whk: { noun: "webhook subscription", notFound: "not_found" },
  msg: { noun: "webhook event", notFound: "not_found" },
  dlv: { noun: "webhook delivery", notFound: "not_found" },
  rol: { noun: "firmware rollout", notFound: "not_found" },
} as const satisfies Record<string, { noun: string; notFound: ErrorCode }>;

export type IdPrefix = keyof typeof ID_KINDS;

const patterns = Object.fromEntries(Object.keys(ID_KINDS).map((p) => [p, new RegExp(`^${p}_[A-Z2-7]{16}$`)])) as Record<
  IdPrefix,
  RegExp
>;

/** A new random id such as `usr_K3J7...`. */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${base32Encode(crypto.getRandomValues(new Uint8Array(10)))}`;
}

export function isId(prefix: IdPrefix, value: unknown): value is string {
  return typeof value === "string" && patterns[prefix].test(value);
}

export function idSchema(prefix: IdPrefix) {
  return z
    .string()
    .regex(
      patterns[prefix],
      `is not ${/^[aeiou]/.test(ID_KINDS[prefix].noun) ? "an" : "a"} ${ID_KINDS[prefix].noun} id`,
    );
}

/**
 * The id from a path, or the kind's not-found refusal: a malformed id is answered exactly like
 * an id that does not exist (or belongs to someone else), so nothing is learnt from the shape.
 */
export function idOrNotFound(prefix: IdPrefix, value: string | undefined): string {
  if (isId(prefix, value)) return value;
  throw notFound(prefix);
}

export function notFound(prefix: IdPrefix): AppError {
  return new AppError(ID_KINDS[prefix].notFound, `No such ${ID_KINDS[prefix].noun}.`);
}
