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
ALTER TABLE "firmware_chunks" ADD CONSTRAINT "firmware_chunks_sha256_firmware_images_sha256_fk" FOREIGN KEY ("sha256") REFERENCES "public"."firmware_images"("sha256") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_images" ADD CONSTRAINT "firmware_images_model_device_models_model_fk" FOREIGN KEY ("model") REFERENCES "public"."device_models"("model") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_images" ADD CONSTRAINT "firmware_images_uploaded_by_users_id_fk" FOREIGN KEY ("uploaded_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "firmware_images" ADD CONSTRAINT "firmware_images_yanked_by_users_id_fk" FOREIGN KEY ("yanked_by") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "firmware_images_model_version_key" ON "firmware_images" USING btree ("model","version");--> statement-breakpoint
CREATE INDEX "firmware_images_model_idx" ON "firmware_images" USING btree ("model","uploaded_at");