ALTER TABLE "device_commands" ADD COLUMN "rollout_id" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "failure_code" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "progress" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "progress_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "from_firmware" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "reported_firmware" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "alarm_acked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "alarm_acked_by" text;--> statement-breakpoint
CREATE INDEX "device_commands_rollout_idx" ON "device_commands" USING btree ("rollout_id","status") WHERE "device_commands"."rollout_id" is not null;--> statement-breakpoint
CREATE INDEX "device_commands_open_alarm_idx" ON "device_commands" USING btree ("completed_at") WHERE "device_commands"."failure_code" = 'bad_signature' and "device_commands"."alarm_acked_at" is null;