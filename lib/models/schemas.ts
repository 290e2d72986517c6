import { z } from "zod";
import { hasNoControlChars } from "../errors/validate";

// What staff may send about device models: strict and bounded, like every input.

export const MODEL_PATTERN = /^[a-z0-9][a-z0-9-]{0,63}$/; // docs/protocol.md section 1
const PROPERTY_PATTERN = /^[a-z][a-z0-9_.-]{0,63}$/; // docs/protocol.md section 4
const firmware = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[\x20-\x7e]+$/, "must be printable ASCII");

export const modelInputSchema = z.strictObject({
  model: z.string().regex(MODEL_PATTERN, "must be lower-case letters, digits and dashes (at most 64)"),
  displayName: z
    .string()
    .trim()
    .min(1, "is required")
    .max(80, "must be at most 80 characters")
    .refine(hasNoControlChars, "must not contain control characters"),
  minFirmware: z
    .string()
    .regex(/^\d{1,9}(\.\d{1,9}){0,3}$/, "must be dotted numbers such as 1.4.0")
    .nullable()
    .default(null),
  firmwareList: z.array(firmware).max(50).nullable().default(null),
  properties: z
    .array(
      z.strictObject({
        property: z.string().regex(PROPERTY_PATTERN, "must be a property name such as temperature"),
        unit: z
          .string()
          .regex(/^[\x21-\x7e]{1,16}$/, "must be 1 to 16 printable characters (UCUM)")
          .nullable()
          .default(null),
      }),
    )
    .max(50)
    .default([]),
  defaultIntervalSeconds: z.number().int().min(10).max(86_400).default(60),
  hasConfirmButton: z.boolean().default(false),
  legacyRefused: z.boolean().default(false),
});
export type ModelInput = z.infer<typeof modelInputSchema>;

export const modelPolicySchema = z.strictObject({ policy: z.enum(["open", "registry"]) });
