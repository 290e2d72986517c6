CREATE TABLE "firmware_chunks" (
	"sha256" text NOT NULL,
	"seq" integer NOT NULL,
	"data" "bytea" NOT NULL,
	CONSTRAINT "firmware_chunks_sha256_seq_pk" PRIMARY KEY("sha256","seq"),
	CONSTRAINT "firmware_chunks_seq_nonnegative" CHECK ("firmware_chunks"."seq" >= 0)
);
--> statement-breakpoint
CREATE TABLE "firmware_images" (
	"sha256" text PRIMARY KEY NOT NULL,
	"model" text NOT NULL,
	"version" text NOT NULL,
	"size" integer NOT NULL,
	"kid" text NOT NULL,
	"sig" text NOT NULL,
	"notes" text DEFAULT '' NOT NULL,
	"uploaded_by" text,
	"uploaded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"yanked_at" timestamp with time zone,
	"yanked_by" text,
	CONSTRAINT "firmware_images_sha256_hex" CHECK ("firmware_images"."sha256" ~ '^[0-9a-f]{64}$'),
	CONSTRAINT "firmware_images_size_positive" CHECK ("firmware_images"."size" > 0)
);
--> statement-breakpoint
CREATE TABLE "firmware_rollout_devices" (
	"rollout_id" text NOT NULL,
	"device_id" text NOT NULL,
	"stage" integer NOT NULL,
	"command_id" text,
	"issued_at" timestamp with time zone,
	"skipped_reason" text,
	CONSTRAINT "firmware_rollout_devices_rollout_id_device_id_pk" PRIMARY KEY("rollout_id","device_id")
);
--> statement-breakpoint
CREATE TABLE "firmware_rollouts" (
	"id" text PRIMARY KEY NOT NULL,
	"sha256" text NOT NULL,
	"model" text NOT NULL,
	"version" text NOT NULL,
	"target_kind" text NOT NULL,
	"target_study_id" text,
	"target_firmware" text,
	"excluded_count" integer DEFAULT 0 NOT NULL,
	"stages" jsonb NOT NULL,
	"failure_percent" integer DEFAULT 5 NOT NULL,
	"failure_count" integer DEFAULT 3 NOT NULL,
	"command_ttl_seconds" integer NOT NULL,
	"status" text DEFAULT 'running' NOT NULL,
	"pause_reason" text,
	"current_stage" integer DEFAULT 0 NOT NULL,
	"stage_started_at" timestamp with time zone,
	"failure_baseline" integer DEFAULT 0 NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"ended_at" timestamp with time zone,
	CONSTRAINT "firmware_rollouts_status_valid" CHECK ("firmware_rollouts"."status" in ('running', 'paused', 'aborted', 'completed')),
	CONSTRAINT "firmware_rollouts_paused_has_reason" CHECK (("firmware_rollouts"."status" = 'paused') = ("firmware_rollouts"."pause_reason" is not null)),
	CONSTRAINT "firmware_rollouts_ttl_range" CHECK ("firmware_rollouts"."command_ttl_seconds" between 60 and 2592000)
);
--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "rollout_id" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "failure_code" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "progress" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "progress_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "from_firmware" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "reported_firmware" text;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "alarm_acked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "device_commands" ADD COLUMN "alarm_acked_by" text;--> statement-breakpoint
ALTER TABLE "firmware_chunks" ADD CONSTRAINT "firmware_chunks_sha256_firmware_images_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."firmware_images"("sha256") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_images" ADD CONSTRAINT "firmware_images_model_device_models_model_fk" FOREIGN KEY ("model") REFERENCES "public"."device_models"("model") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_images" ADD CONSTRAINT "firmware_images_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_images" ADD CONSTRAINT "firmware_images_yanked_by_users_id_fk" FOREIGN KEY ("yanked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_rollout_devices" ADD CONSTRAINT "firmware_rollout_devices_rollout_id_firmware_rollouts_id_fk" FOREIGN KEY ("rollout_id") REFERENCES "public"."firmware_rollouts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_rollout_devices" ADD CONSTRAINT "firmware_rollout_devices_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_rollouts" ADD CONSTRAINT "firmware_rollouts_sha256_firmware_images_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."firmware_images"("sha256") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_rollouts" ADD CONSTRAINT "firmware_rollouts_created_by_users_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "firmware_images_model_version_key" ON "firmware_images" USING btree ("model","version");--> statement-breakpoint
CREATE INDEX "firmware_images_model_idx" ON "firmware_images" USING btree ("model","uploaded_at");--> statement-breakpoint
CREATE INDEX "firmware_rollout_devices_stage_idx" ON "firmware_rollout_devices" USING btree ("rollout_id","stage");--> statement-breakpoint
CREATE INDEX "firmware_rollout_devices_command_idx" ON "firmware_rollout_devices" USING btree ("command_id");--> statement-breakpoint
CREATE INDEX "firmware_rollouts_created_idx" ON "firmware_rollouts" USING btree ("created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "firmware_rollouts_one_active_per_model" ON "firmware_rollouts" USING btree ("model") WHERE "firmware_rollouts"."status" in ('running', 'paused');--> statement-breakpoint
CREATE INDEX "device_commands_rollout_idx" ON "device_commands" USING btree ("rollout_id","status") WHERE "device_commands"."rollout_id" is not null;--> statement-breakpoint
CREATE INDEX "device_commands_open_alarm_idx" ON "device_commands" USING btree ("completed_at") WHERE "device_commands"."failure_code" = 'bad_signature' and "device_commands"."alarm_acked_at" is null;