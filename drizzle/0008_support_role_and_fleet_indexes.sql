ALTER TABLE "users" DROP CONSTRAINT "users_role_valid";--> statement-breakpoint
CREATE INDEX "devices_last_seen_page_idx" ON "devices" USING btree (coalesce("last_seen_at", 'epoch'::timestamptz),"id");--> statement-breakpoint
CREATE INDEX "devices_created_page_idx" ON "devices" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "devices_model_firmware_idx" ON "devices" USING btree ("model","firmware");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_valid" CHECK ("users"."role" in ('participant', 'staff', 'support'));