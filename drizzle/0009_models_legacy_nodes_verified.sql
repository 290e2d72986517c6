CREATE TABLE "device_models" (
	"model" text PRIMARY KEY NOT NULL,
	"display_name" text NOT NULL,
	"min_firmware" text,
	"firmware_list" jsonb,
	"properties" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"default_interval_seconds" integer DEFAULT 60 NOT NULL,
	"has_confirm_button" boolean DEFAULT false NOT NULL,
	"legacy_refused" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "device_settings" (
	"id" integer PRIMARY KEY DEFAULT 1 NOT NULL,
	"model_policy" text DEFAULT 'open' NOT NULL,
	"legacy_accept_any" boolean DEFAULT false NOT NULL,
	"legacy_accept_any_owner_id" text,
	"legacy_cutoff_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "device_settings_single_row" CHECK ("device_settings"."id" = 1),
	CONSTRAINT "device_settings_policy_valid" CHECK ("device_settings"."model_policy" in ('open', 'registry'))
);
--> statement-breakpoint
CREATE TABLE "legacy_nodes" (
	"id" text PRIMARY KEY NOT NULL,
	"hardware_id" text NOT NULL,
	"device_id" text NOT NULL,
	"model" text NOT NULL,
	"software_version" text,
	"auto_registered" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"disabled_at" timestamp with time zone,
	"upgraded_at" timestamp with time zone,
	"upgraded_device_id" text,
	CONSTRAINT "legacy_nodes_hardware_id_lower" CHECK ("legacy_nodes"."hardware_id" = lower("legacy_nodes"."hardware_id")),
	CONSTRAINT "legacy_nodes_upgrade_complete" CHECK (("legacy_nodes"."upgraded_at" is null) = ("legacy_nodes"."upgraded_device_id" is null))
);
--> statement-breakpoint
CREATE TABLE "unlisted_properties" (
	"model" text NOT NULL,
	"property" text NOT NULL,
	"first_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_device_id" text,
	CONSTRAINT "unlisted_properties_model_property_pk" PRIMARY KEY("model","property")
);
--> statement-breakpoint
ALTER TABLE "measurements" ADD COLUMN "verified" boolean DEFAULT true NOT NULL;--> statement-breakpoint
ALTER TABLE "device_settings" ADD CONSTRAINT "device_settings_legacy_accept_any_owner_id_users_id_fk" FOREIGN KEY ("legacy_accept_any_owner_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legacy_nodes" ADD CONSTRAINT "legacy_nodes_device_id_devices_id_fk" FOREIGN KEY ("device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "legacy_nodes" ADD CONSTRAINT "legacy_nodes_upgraded_device_id_devices_id_fk" FOREIGN KEY ("upgraded_device_id") REFERENCES "public"."devices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "legacy_nodes_hardware_id_key" ON "legacy_nodes" USING btree ("hardware_id");--> statement-breakpoint
CREATE UNIQUE INDEX "legacy_nodes_device_key" ON "legacy_nodes" USING btree ("device_id");