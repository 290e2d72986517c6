import { z } from "zod";
import { fleetFilterShape } from "../../devices/schemas";
import { MAX_BULK_DEVICES } from "../../devices/bulk";
import { hasNoControlChars } from "../../errors/validate";
import { idSchema } from "../../ids";

// What staff send to create and steer a rollout (docs/firmware.md "Rollouts").

/** docs/protocol.md section 7: an update command expires at most 30 days after it is issued. */
export const MAX_COMMAND_EXPIRY_HOURS = 30 * 24;
export const MAX_STAGES = 10;
/** A stage's soak is at most 30 days. */
export const MAX_SOAK_MINUTES = 30 * 24 * 60;
export const DEFAULT_STAGES = [
  { percent: 1, soakMinutes: 60 },
  { percent: 10, soakMinutes: 240 },
  { percent: 50, soakMinutes: 1440 },
  { percent: 100, soakMinutes: 0 },
];

export const sha256Schema = z
  .string()
  .regex(/^[0-9a-f]{64}$/, "must be a SHA-256 in lower-case hex (64 characters)");

const stageSchema = z.strictObject({
  percent: z.number().int().min(1).max(100),
  soakMinutes: z.number().int().min(0).max(MAX_SOAK_MINUTES),
});

export const rolloutTargetSchema = z.discriminatedUnion("kind", [
  // Every active device of the image's model, optionally of one study and running one firmware.
  z.strictObject({
    kind: z.literal("model"),
    studyId: idSchema("stu").optional(),
    firmware: z
      .string()
      .min(1)
      .max(64)
      .refine(hasNoControlChars, "must not contain control characters")
      .optional(),
  }),
  // An explicit list of devices.
  z.strictObject({
    kind: z.literal("devices"),
    deviceIds: z.array(idSchema("dev")).min(1).max(MAX_BULK_DEVICES),
  }),
  // The fleet console's selection: its filters, and the count the person confirmed.
  z.strictObject({
    kind: z.literal("selection"),
    filter: z.strictObject(fleetFilterShape).default({}),
    expectedCount: z.number().int().min(1).max(MAX_BULK_DEVICES),
  }),
]);
export type RolloutTarget = z.infer<typeof rolloutTargetSchema>;

export const createRolloutSchema = z.strictObject({
  sha256: sha256Schema,
  target: rolloutTargetSchema,
  stages: z
    .array(stageSchema)
    .min(1)
    .max(MAX_STAGES)
    .refine((s) => s.every((x, i) => i === 0 || x.percent > s[i - 1].percent), "percents must rise from stage to stage")
    .refine((s) => s[s.length - 1]?.percent === 100, "the last stage must reach 100 %"),
  failureThreshold: z
    .strictObject({
      percent: z.number().int().min(1).max(100).default(5),
      count: z.number().int().min(1).max(MAX_BULK_DEVICES).default(3),
    })
    .default({ percent: 5, count: 3 }),
  expiryHours: z.number().int().min(1).max(MAX_COMMAND_EXPIRY_HOURS).default(7 * 24),
});
export type CreateRolloutInput = z.infer<typeof createRolloutSchema>;

export const rolloutIdParams = z.object({ rolloutId: idSchema("rol") });
