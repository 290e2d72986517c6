CREATE TABLE "claims" (
	"id" text PRIMARY KEY NOT NULL,
	"sid" text NOT NULL,
	"user_id" text NOT NULL,
	"pop_sealed" text,
	"nonce" text NOT NULL,
	"server_proof" text NOT NULL,
	"replaces_device_id" text,
	"state" text DEFAULT 'waiting_for_device' NOT NULL,
	"reason" text,
	"device_id" text,
	"device_nonce" text,
	"device_proof" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"ended_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "device_commands" (
	"id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"type" text NOT NULL,
	"params" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"issued_by" text,
	"issued_at" timestamp with time zone DEFAULT now() NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"detail" text,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "device_credentials" (
	"id" text PRIMARY KEY NOT NULL,
	"device_id" text NOT NULL,
	"secret_sealed" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"revoked_reason" text
);
--> statement-breakpoint
CREATE TABLE "devices" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text NOT NULL,
	"name" text NOT NULL,
	"model" text NOT NULL,
	"firmware" text NOT NULL,
	"measurement_interval_seconds" integer DEFAULT 60 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"released_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "measurements" (
	"device_id" text NOT NULL,
	"property" text NOT NULL,
	"time" timestamp with time zone NOT NULL,
	"unit" text,
	"value" double precision NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "measurements_device_id_property_time_pk" PRIMARY KEY("device_id","property","time")
);
--> statement-breakpoint
CREATE TABLE "provisioning_sessions" (
	"sid" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"model" text NOT NULL,
	"firmware" text NOT NULL,
	"state" text DEFAULT 'waiting' NOT NULL,
	"pop_failures" integer DEFAULT 0 NOT NULL,
	"current_claim_id" text,
	"bound_device_id" text,
	"bound_credential_id" text,
	"ip" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"last_poll_at" timestamp with time zone,
	"result" jsonb
);
--> statement-breakpoint
CREATE TABLE "request_nonces" (
	"credential_id" text NOT NULL,
	"nonce" text NOT NULL,
	"seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "request_nonces_credential_id_nonce_pk" PRIMARY KEY("credential_id","nonce")
);
--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_sid_provisioning_sessions_sid_fk" FOREIGN KEY ("sid") REFERENCES "public"."provisioning_sessions"("sid") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_replaces_device_id_devices_id_fk" FOREIGN KEY ("replaces_device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_commands" ADD CONSTRAINT "device_commands_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_credentials" ADD CONSTRAINT "device_credentials_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_owner_id_users_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "provisioning_sessions" ADD CONSTRAINT "provisioning_sessions_bound_device_id_devices_id_fk" FOREIGN KEY ("bound_device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "claims_sid_idx" ON "claims" USING btree ("sid");--> statement-breakpoint
CREATE INDEX "claims_user_idx" ON "claims" USING btree ("user_id","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "claims_one_open_per_session" ON "claims" USING btree ("sid") WHERE "claims"."state" = 'waiting_for_device';--> statement-breakpoint
CREATE INDEX "device_commands_device_idx" ON "device_commands" USING btree ("device_id","status");--> statement-breakpoint
CREATE INDEX "device_credentials_device_idx" ON "device_credentials" USING btree ("device_id");--> statement-breakpoint
CREATE UNIQUE INDEX "devices_owner_name_key" ON "devices" USING btree ("owner_id",lower("name"));--> statement-breakpoint
CREATE INDEX "devices_owner_idx" ON "devices" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "provisioning_sessions_expires_idx" ON "provisioning_sessions" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "request_nonces_seen_idx" ON "request_nonces" USING btree ("seen_at");