CREATE TABLE "legacy_retired_hardware_ids" (
	"hardware_id" text PRIMARY KEY NOT NULL,
	"node_id" text NOT NULL,
	"retired_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "measurements" ADD COLUMN "verification" text DEFAULT 'signed' NOT NULL;--> statement-breakpoint
ALTER TABLE "legacy_nodes" ADD COLUMN "credential_hash" text;--> statement-breakpoint
ALTER TABLE "legacy_nodes" ADD COLUMN "credential_issued_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "legacy_nodes" ADD COLUMN "credential_revoked_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "legacy_nodes" ADD COLUMN "board_replaced_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "legacy_retired_hardware_ids" ADD CONSTRAINT "legacy_retired_hardware_ids_node_id_legacy_nodes_id_fk" FOREIGN KEY ("node_id") REFERENCES "public"."legacy_nodes"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "measurements" ADD CONSTRAINT "measurements_verification_level" CHECK ("measurements"."verification" in ('signed', 'secret', 'none'));