import { z } from "zod";
import { normalizeTyped } from "../crypto/base32";
import { AppError } from "../errors/app-error";
import { idSchema } from "../ids";
import { CODE_PART } from "./claim-code";

const b64url = (minBytes: number, maxBytes: number) =>
  z
    .string()
    .regex(
      new RegExp(`^[A-Za-z0-9_-]{${Math.ceil((minBytes * 4) / 3)},${Math.ceil((maxBytes * 4) / 3)}}$`),
      "is not base64url of the right length",
    );

/** A sid and a PoP are both 26 base32 characters (128 bits). */
export const SID_PATTERN = CODE_PART;
export const sidSchema = z.string().regex(SID_PATTERN, "is not a session id (26 base32 characters)");

/** A PoP as a person or a scanner gives it: case, spaces and dashes do not matter (docs/protocol.md "Encodings"). */
export const popSchema = z
  .string()
  .max(64)
  .transform(normalizeTyped)
  .pipe(z.string().regex(CODE_PART, "is not a code from a device screen (26 base32 characters)"));

export const startSessionSchema = z.strictObject({
  model: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "must be lower-case letters, digits and dashes (at most 64)"),
  firmware: z.string().regex(/^[\x20-\x7e]{1,64}$/, "must be 1 to 64 printable ASCII characters"),
});

export const claimRequestSchema = z.strictObject({
  sid: z.string().max(64).transform(normalizeTyped).pipe(sidSchema),
  pop: popSchema,
  replaces: idSchema("dev").optional(),
  // The study the device is for (docs/studies.md); needed only by someone in several studies.
  study: idSchema("stu").optional(),
});

export const claimPreviewSchema = z.strictObject({
  sid: z.string().max(64).transform(normalizeTyped).pipe(sidSchema),
});

export const deviceAnswerSchema = z.union([
  z.strictObject({ accept: z.literal(false), reason: z.enum(["pop_mismatch", "user_declined"]) }),
  z.strictObject({ accept: z.literal(true), deviceNonce: b64url(16, 64), deviceProof: b64url(32, 32) }),
]);
export type DeviceAnswer = z.infer<typeof deviceAnswerSchema>;

/** `wait` of a long poll: 0 to 30 seconds (absent means 0). */
export const waitSchema = z.coerce.number().int().min(0).max(30).default(0);

/** The `wait` query parameter as the route found it (null when absent), in seconds. Throws `invalid_request`. */
export function waitOf(wait: string | null): number {
  const r = waitSchema.safeParse(wait ?? undefined);
  if (!r.success) throw new AppError("invalid_request", "wait must be a whole number of seconds from 0 to 30.");
  return r.data;
}

export type StartSessionInput = z.infer<typeof startSessionSchema>;
export type ClaimRequest = z.infer<typeof claimRequestSchema>;
