import { z } from "zod";
import { instantSchema } from "../dates";
import { hasNoControlChars } from "../errors/validate";
import { idSchema } from "../ids";
import { MODEL_PATTERN } from "../models/schemas";

// What legacy nodes and staff may send about legacy nodes (docs/legacy-ingest.md): strict and bounded.

/** `esp8266-1234567`, `esp32-a1b2c3`: a chip family, a dash, the chip id; compared in lower case. */
export const HARDWARE_ID_PATTERN = /^[a-z][a-z0-9]{1,15}-[a-z0-9]{1,32}$/;
export const MAX_LEGACY_VALUES = 64;
export const MAX_LEGACY_BODY_BYTES = 16 * 1024;
export const MAX_IMPORT_BYTES = 256 * 1024;
export const MAX_IMPORT_LINES = 1000;

export const hardwareIdSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(HARDWARE_ID_PATTERN, "must look like esp8266-1234567");

/** The body today's Sensor.Community firmware sends; each value is checked on its own. */
export const legacyBodySchema = z.strictObject({
  esp8266id: z.union([z.string().max(32), z.number().int().nonnegative()]).optional(),
  software_version: z
    .string()
    .max(64)
    .regex(/^[\x20-\x7e]*$/, "must be printable ASCII")
    .optional(),
  sensordatavalues: z
    .array(z.unknown())
    .min(1, "holds at least one value")
    .max(MAX_LEGACY_VALUES, `holds at most ${MAX_LEGACY_VALUES} values`),
});
export type LegacyBody = z.infer<typeof legacyBodySchema>;

const name = z
  .string()
  .trim()
  .min(1, "is required")
  .max(60, "must be at most 60 characters")
  .refine(hasNoControlChars, "must not contain control characters");

export const registerNodeSchema = z.strictObject({
  hardwareId: hardwareIdSchema,
  ownerEmail: z.string().trim().toLowerCase().email("must be an email address").max(254),
  name,
  model: z.string().regex(MODEL_PATTERN, "must be lower-case letters, digits and dashes").default("sensor-community"),
});
export type RegisterNodeInput = z.infer<typeof registerNodeSchema>;

export const nodePatchSchema = z.strictObject({ disabled: z.boolean() });

export const legacySettingsSchema = z.strictObject({
  acceptAny: z.boolean(),
  /** Refuse all legacy data from this time on (RFC 3339), or null. */
  cutoffAt: instantSchema.nullable(),
});
export type LegacySettingsInput = z.infer<typeof legacySettingsSchema>;

export const linkSchema = z.strictObject({ hardwareId: hardwareIdSchema });
export const staffUpgradeSchema = z.strictObject({ deviceId: idSchema("dev") });

/** Staff issue credentials for these registered nodes at once (a fleet rollout). */
export const bulkCredentialsSchema = z.strictObject({
  hardwareIds: z.array(hardwareIdSchema).min(1, "name at least one node").max(MAX_IMPORT_LINES),
});
