import { z } from "zod";
import { MODEL_PATTERN } from "../models/schemas";

// What an uploader sends besides the image: strict and bounded. The version's grammar and the
// signature are judged by the use case, which answers them with their own codes.

/** Release notes: text a person reads; tabs and line breaks allowed, no other control characters. */
const notes = z
  .string()
  .max(20_000, "must be at most 20,000 characters")
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/.test(s), "must not contain control characters");

export const firmwareUploadSchema = z.strictObject({
  model: z.string().regex(MODEL_PATTERN, "must be a device model id (lower-case letters, digits and dashes)"),
  version: z.string().min(1, "is required").max(64, "must be at most 64 characters"),
  sig: z.string().trim().min(1, "is required").max(200, "must be at most 200 characters"),
  notes: notes.default(""),
});

export type FirmwareUploadInput = z.input<typeof firmwareUploadSchema>;

export const sha256ParamSchema = z.string().regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in lower-case hex");
