CREATE TABLE "consent_versions" (
	"id" text PRIMARY KEY NOT NULL,
	"study_id" text NOT NULL,
	"version" integer NOT NULL,
	"text" jsonb NOT NULL,
	"changes" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"requires_reconsent" boolean DEFAULT false NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"first_shown_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "consents" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY (sequence name "consents_id_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"study_id" text NOT NULL,
	"user_id" text NOT NULL,
	"consent_version_id" text NOT NULL,
	"version" integer NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"address_bucket" text
);
--> statement-breakpoint
CREATE TABLE "enrolments" (
	"id" text PRIMARY KEY NOT NULL,
	"study_id" text NOT NULL,
	"user_id" text,
	"invitation_id" text,
	"invited_at" timestamp with time zone DEFAULT now() NOT NULL,
	"accepted_at" timestamp with time zone,
	"consent_version_id" text,
	"consented_at" timestamp with time zone,
	"withdrawn_at" timestamp with time zone,
	"withdrawal_policy" text,
	"erased_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "erasures" (
	"id" text PRIMARY KEY NOT NULL,
	"study_id" text,
	"user_id" text NOT NULL,
	"enrolment_id" text,
	"reason" text NOT NULL,
	"device_ids" jsonb NOT NULL,
	"requested_at" timestamp with time zone DEFAULT now() NOT NULL,
	"requested_by" text,
	"readings_deleted" bigint DEFAULT 0 NOT NULL,
	"batches" integer DEFAULT 0 NOT NULL,
	"completed_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "intake_answers" (
	"enrolment_id" text NOT NULL,
	"question_id" text NOT NULL,
	"value" text NOT NULL,
	"answered_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "intake_answers_enrolment_id_question_id_pk" PRIMARY KEY("enrolment_id","question_id")
);
--> statement-breakpoint
CREATE TABLE "intake_questions" (
	"id" text PRIMARY KEY NOT NULL,
	"study_id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"label" jsonb NOT NULL,
	"required" boolean DEFAULT true NOT NULL,
	"max_length" integer,
	"unit" text,
	"min" double precision,
	"max" double precision,
	"choices" jsonb
);
--> statement-breakpoint
CREATE TABLE "onboarding_steps" (
	"id" text PRIMARY KEY NOT NULL,
	"study_id" text NOT NULL,
	"position" integer NOT NULL,
	"kind" text NOT NULL,
	"model" text,
	"guide_url" text
);
--> statement-breakpoint
CREATE TABLE "researcher_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"study_id" text NOT NULL,
	"user_id" text NOT NULL,
	"granted_by" text,
	"granted_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "studies" (
	"id" text PRIMARY KEY NOT NULL,
	"name" jsonb NOT NULL,
	"description" jsonb NOT NULL,
	"info_url" text,
	"contact_email" text NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"status" text DEFAULT 'draft' NOT NULL,
	"models" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"data_policy" text NOT NULL,
	"pending_consent_readings" text DEFAULT 'pause' NOT NULL,
	"pseudonym_key_sealed" text NOT NULL,
	"created_by" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "studies_status_valid" CHECK ("studies"."status" in ('draft', 'recruiting', 'running', 'ended', 'archived')),
	CONSTRAINT "studies_data_policy_valid" CHECK ("studies"."data_policy" in ('erase', 'retain')),
	CONSTRAINT "studies_pending_consent_readings_valid" CHECK ("studies"."pending_consent_readings" in ('pause', 'continue')),
	CONSTRAINT "studies_dates_ordered" CHECK ("studies"."starts_on" <= "studies"."ends_on")
);
--> statement-breakpoint
ALTER TABLE "users" DROP CONSTRAINT "users_role_valid";--> statement-breakpoint
ALTER TABLE "claims" ADD COLUMN "study_id" text;--> statement-breakpoint
ALTER TABLE "devices" ADD COLUMN "study_id" text;--> statement-breakpoint
ALTER TABLE "invitations" ADD COLUMN "study_id" text;--> statement-breakpoint
ALTER TABLE "users" ADD COLUMN "deleted_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "consent_versions" ADD CONSTRAINT "consent_versions_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "consents" ADD CONSTRAINT "consents_consent_version_id_consent_versions_id_fk" FOREIGN KEY ("consent_version_id") REFERENCES "public"."consent_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_invitation_id_invitations_id_fk" FOREIGN KEY ("invitation_id") REFERENCES "public"."invitations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_consent_version_id_consent_versions_id_fk" FOREIGN KEY ("consent_version_id") REFERENCES "public"."consent_versions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "erasures" ADD CONSTRAINT "erasures_enrolment_id_enrolments_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."enrolments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_answers" ADD CONSTRAINT "intake_answers_enrolment_id_enrolments_id_fk" FOREIGN KEY ("enrolment_id") REFERENCES "public"."enrolments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_answers" ADD CONSTRAINT "intake_answers_question_id_intake_questions_id_fk" FOREIGN KEY ("question_id") REFERENCES "public"."intake_questions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "intake_questions" ADD CONSTRAINT "intake_questions_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "onboarding_steps" ADD CONSTRAINT "onboarding_steps_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "researcher_grants" ADD CONSTRAINT "researcher_grants_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "researcher_grants" ADD CONSTRAINT "researcher_grants_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "consent_versions_study_version_key" ON "consent_versions" USING btree ("study_id","version");--> statement-breakpoint
CREATE INDEX "consents_study_user_idx" ON "consents" USING btree ("study_id","user_id");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolments_study_user_key" ON "enrolments" USING btree ("study_id","user_id") WHERE "enrolments"."user_id" is not null;--> statement-breakpoint
CREATE INDEX "enrolments_user_idx" ON "enrolments" USING btree ("user_id");--> statement-breakpoint
CREATE INDEX "enrolments_invitation_idx" ON "enrolments" USING btree ("invitation_id");--> statement-breakpoint
CREATE INDEX "erasures_open_idx" ON "erasures" USING btree ("requested_at") WHERE "erasures"."completed_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "intake_questions_study_position_key" ON "intake_questions" USING btree ("study_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "onboarding_steps_study_position_key" ON "onboarding_steps" USING btree ("study_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "researcher_grants_one_active" ON "researcher_grants" USING btree ("study_id","user_id") WHERE "researcher_grants"."revoked_at" is null;--> statement-breakpoint
ALTER TABLE "claims" ADD CONSTRAINT "claims_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "devices" ADD CONSTRAINT "devices_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "invitations" ADD CONSTRAINT "invitations_study_id_studies_id_fk" FOREIGN KEY ("study_id") REFERENCES "public"."studies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "devices_study_idx" ON "devices" USING btree ("study_id");--> statement-breakpoint
ALTER TABLE "users" ADD CONSTRAINT "users_role_valid" CHECK ("users"."role" in ('participant', 'staff', 'support', 'researcher'));