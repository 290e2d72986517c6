ALTER TABLE "provisioning_sessions" ADD COLUMN "poll_id" text;--> statement-breakpoint
ALTER TABLE "request_nonces" ADD COLUMN "request_ts" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "request_nonces_request_ts_idx" ON "request_nonces" USING btree ("request_ts");