import { sql } from "drizzle-orm";
import { check, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { ts } from "./columns";
import { devices } from "./devices";
import { firmwareImages } from "./firmware";

// Staged firmware rollouts (docs/firmware.md "Rollouts"): an image sent to a target in stages,
// advanced by the rollout engine (lib/firmware/rollouts/engine.ts), never by a page.

export const ROLLOUT_STATUSES = ["running", "paused", "aborted", "completed"] as const;
export type RolloutStatus = (typeof ROLLOUT_STATUSES)[number];
/** Why a rollout is paused: staff paused it, a stage's failures reached the threshold, the image was yanked. */
export const PAUSE_REASONS = ["staff", "failure_threshold", "image_yanked"] as const;
export type PauseReason = (typeof PAUSE_REASONS)[number];

/** A stage: the share of the target reached once it has started (cumulative, %), and its minimum soak. */
export type RolloutStage = { percent: number; soakSeconds: number };

export const firmwareRollouts = pgTable(
  "firmware_rollouts",
  {
    id: text("id").primaryKey(), // rol_...
    // The image (firmware_images.sha256); model and version copied so lists need no join.
    sha256: text("sha256")
      .notNull()
      .references(() => firmwareImages.sha256),
    model: text("model").notNull(),
    version: text("version").notNull(),
    // `model`: every active device of the model, optionally of one study and/or running one firmware;
    // `devices`: an explicit list (the fleet console's selection). Resolved once, at creation.
    targetKind: text("target_kind", { enum: ["model", "devices"] }).notNull(),
    targetStudyId: text("target_study_id"),
    targetFirmware: text("target_firmware"),
    // Devices asked for that could not take part (another model, not active), shown to staff.
    excludedCount: integer("excluded_count").notNull().default(0),
    stages: jsonb("stages").$type<RolloutStage[]>().notNull(),
    // Automatic pause when a stage's failures reach either: this share of the stage, or this many devices.
    failurePercent: integer("failure_percent").notNull().default(5),
    failureCount: integer("failure_count").notNull().default(3),
    // Each command expires this long after it is issued (at most 30 days, docs/protocol.md section 7).
    commandTtlSeconds: integer("command_ttl_seconds").notNull(),
    status: text("status", { enum: ROLLOUT_STATUSES }).notNull().default("running"),
    pauseReason: text("pause_reason", { enum: PAUSE_REASONS }),
    // The stage being sent (0-based), when its commands were issued (null: not yet), and the
    // failures staff accepted by resuming, which the threshold no longer counts.
    currentStage: integer("current_stage").notNull().default(0),
    stageStartedAt: ts("stage_started_at"),
    failureBaseline: integer("failure_baseline").notNull().default(0),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    endedAt: ts("ended_at"),
  },
  (t) => [
    index("firmware_rollouts_created_idx").on(t.createdAt),
    // One unfinished rollout per model: two would race to update the same devices.
    uniqueIndex("firmware_rollouts_one_active_per_model")
      .on(t.model)
      .where(sql`${t.status} in ('running', 'paused')`),
    check("firmware_rollouts_status_valid", sql`${t.status} in ('running', 'paused', 'aborted', 'completed')`),
    check("firmware_rollouts_paused_has_reason", sql`(${t.status} = 'paused') = (${t.pauseReason} is not null)`),
    check("firmware_rollouts_ttl_range", sql`${t.commandTtlSeconds} between 60 and 2592000`),
  ],
);

/** A device of a rollout: its stage (chosen at creation) and, once issued, its command. */
export const firmwareRolloutDevices = pgTable(
  "firmware_rollout_devices",
  {
    rolloutId: text("rollout_id")
      .notNull()
      .references(() => firmwareRollouts.id),
    // Erasing a device (lib/studies/erasure.ts) takes its membership with it.
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id, { onDelete: "cascade" }),
    stage: integer("stage").notNull(),
    commandId: text("command_id"),
    issuedAt: ts("issued_at"),
    // Set instead of a command when the device could no longer take it (released, revoked, refused).
    skippedReason: text("skipped_reason"),
  },
  (t) => [
    primaryKey({ columns: [t.rolloutId, t.deviceId] }),
    index("firmware_rollout_devices_stage_idx").on(t.rolloutId, t.stage),
    index("firmware_rollout_devices_command_idx").on(t.commandId),
  ],
);

export type FirmwareRollout = typeof firmwareRollouts.$inferSelect;
export type FirmwareRolloutDevice = typeof firmwareRolloutDevices.$inferSelect;
