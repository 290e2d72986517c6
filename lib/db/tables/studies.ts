import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { invitations, users } from "./accounts";
import { ts } from "./columns";

// Studies (docs/studies.md): the frame around a claim. A study enrols participants, asks their
// consent to a versioned text, and gives researchers pseudonymous data.

/** Text a participant reads, per language; at least one language is set (lib/studies/schemas.ts). */
export type LocalizedText = { nl?: string; en?: string };

export const STUDY_STATUSES = ["draft", "recruiting", "running", "ended", "archived"] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

export const studies = pgTable(
  "studies",
  {
    id: text("id").primaryKey(), // stu_...
    name: jsonb("name").$type<LocalizedText>().notNull(),
    description: jsonb("description").$type<LocalizedText>().notNull(),
    infoUrl: text("info_url"),
    contactEmail: text("contact_email").notNull(),
    // UTC days, inclusive.
    startsOn: date("starts_on", { mode: "string" }).notNull(),
    endsOn: date("ends_on", { mode: "string" }).notNull(),
    status: text("status", { enum: STUDY_STATUSES }).notNull().default("draft"),
    models: jsonb("models").$type<string[]>().notNull().default([]),
    // What withdrawal does to a participant's data; the consent text states it. Fixed once the study leaves draft.
    dataPolicy: text("data_policy", { enum: ["erase", "retain"] }).notNull(),
    // While a participant has not yet answered a consent version that asks for consent again:
    // `pause` refuses their devices' readings (the device keeps them and sends them later),
    // `continue` accepts them under the consent they gave.
    pendingConsentReadings: text("pending_consent_readings", { enum: ["pause", "continue"] })
      .notNull()
      .default("pause"),
    // The key of the study's pseudonyms (lib/studies/pseudonyms.ts), sealed like device secrets
    // (associated data "study-key:<study id>").
    pseudonymKeySealed: text("pseudonym_key_sealed").notNull(),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("studies_status_valid", sql`${t.status} in ('draft', 'recruiting', 'running', 'ended', 'archived')`),
    check("studies_data_policy_valid", sql`${t.dataPolicy} in ('erase', 'retain')`),
    check("studies_pending_consent_readings_valid", sql`${t.pendingConsentReadings} in ('pause', 'continue')`),
    check("studies_dates_ordered", sql`${t.startsOn} <= ${t.endsOn}`),
  ],
);

/**
 * A version of a study's consent text. Immutable once shown to a participant (`first_shown_at`
 * set): a trigger (migration 0012) refuses changing or deleting it; editing makes a new version.
 * The newest version is the current one.
 */
export const consentVersions = pgTable(
  "consent_versions",
  {
    id: text("id").primaryKey(), // cnv_...
    studyId: text("study_id")
      .notNull()
      .references(() => studies.id),
    version: integer("version").notNull(),
    text: jsonb("text").$type<LocalizedText>().notNull(), // Markdown, rendered without raw HTML
    // What changed since the previous version, shown first to a participant asked again.
    changes: jsonb("changes").$type<LocalizedText>().notNull().default({}),
    requiresReconsent: boolean("requires_reconsent").notNull().default(false),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull().defaultNow(),
    firstShownAt: ts("first_shown_at"),
  },
  (t) => [uniqueIndex("consent_versions_study_version_key").on(t.studyId, t.version)],
);

/** A person's place in a study: invited, accepted, consented, withdrawn (docs/studies.md). */
export const enrolments = pgTable(
  "enrolments",
  {
    id: text("id").primaryKey(), // enr_...
    studyId: text("study_id")
      .notNull()
      .references(() => studies.id),
    // Null while the invitation of someone without an account is pending.
    userId: text("user_id").references(() => users.id),
    invitationId: text("invitation_id").references(() => invitations.id),
    invitedAt: ts("invited_at").notNull().defaultNow(),
    acceptedAt: ts("accepted_at"),
    // The version last consented to (null: never consented).
    consentVersionId: text("consent_version_id").references(() => consentVersions.id),
    consentedAt: ts("consented_at"),
    withdrawnAt: ts("withdrawn_at"),
    // The study's data policy when they withdrew; under `erase` researchers never see them again.
    withdrawalPolicy: text("withdrawal_policy", { enum: ["erase", "retain"] }),
    erasedAt: ts("erased_at"),
  },
  (t) => [
    uniqueIndex("enrolments_study_user_key")
      .on(t.studyId, t.userId)
      .where(sql`${t.userId} is not null`),
    index("enrolments_user_idx").on(t.userId),
    index("enrolments_invitation_idx").on(t.invitationId),
  ],
);

/** Append-only (a trigger refuses UPDATE and DELETE, migration 0012): every consent given. */
export const consents = pgTable(
  "consents",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    studyId: text("study_id")
      .notNull()
      .references(() => studies.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    consentVersionId: text("consent_version_id")
      .notNull()
      .references(() => consentVersions.id),
    version: integer("version").notNull(),
    at: ts("at").notNull().defaultNow(),
    // The client address's bucket (IPv4 /24, IPv6 /64), never the address itself.
    addressBucket: text("address_bucket"),
  },
  (t) => [index("consents_study_user_idx").on(t.studyId, t.userId)],
);

export const ONBOARDING_STEP_KINDS = ["claim_device", "intake"] as const;

/** The ordered checklist a participant sees on /devices. */
export const onboardingSteps = pgTable(
  "onboarding_steps",
  {
    id: text("id").primaryKey(), // stp_...
    studyId: text("study_id")
      .notNull()
      .references(() => studies.id),
    position: integer("position").notNull(),
    kind: text("kind", { enum: ONBOARDING_STEP_KINDS }).notNull(),
    model: text("model"), // claim_device: the model to claim
    guideUrl: text("guide_url"), // claim_device: its install guide
  },
  (t) => [uniqueIndex("onboarding_steps_study_position_key").on(t.studyId, t.position)],
);

export const INTAKE_KINDS = ["text", "number", "choice"] as const;
export type IntakeChoice = { value: string; label: LocalizedText };

export const intakeQuestions = pgTable(
  "intake_questions",
  {
    id: text("id").primaryKey(), // itq_...
    studyId: text("study_id")
      .notNull()
      .references(() => studies.id),
    position: integer("position").notNull(),
    kind: text("kind", { enum: INTAKE_KINDS }).notNull(),
    label: jsonb("label").$type<LocalizedText>().notNull(),
    required: boolean("required").notNull().default(true),
    maxLength: integer("max_length"), // text
    unit: text("unit"), // number
    min: doublePrecision("min"), // number
    max: doublePrecision("max"), // number
    choices: jsonb("choices").$type<IntakeChoice[]>(), // choice
  },
  (t) => [uniqueIndex("intake_questions_study_position_key").on(t.studyId, t.position)],
);

export const intakeAnswers = pgTable(
  "intake_answers",
  {
    enrolmentId: text("enrolment_id")
      .notNull()
      .references(() => enrolments.id),
    questionId: text("question_id")
      .notNull()
      .references(() => intakeQuestions.id),
    // Text as given, a number's shortest round-trip text, or a choice's value.
    value: text("value").notNull(),
    answeredAt: ts("answered_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.enrolmentId, t.questionId] })],
);

/** A researcher's access to one study (dashboard and export, nothing else). */
export const researcherGrants = pgTable(
  "researcher_grants",
  {
    id: text("id").primaryKey(), // rgr_...
    studyId: text("study_id")
      .notNull()
      .references(() => studies.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    grantedBy: text("granted_by"),
    grantedAt: ts("granted_at").notNull().defaultNow(),
    revokedAt: ts("revoked_at"),
  },
  (t) => [
    uniqueIndex("researcher_grants_one_active")
      .on(t.studyId, t.userId)
      .where(sql`${t.revokedAt} is null`),
  ],
);

/**
 * Erasing a withdrawn participant's data (or a deleted account's), in bounded batches: each
 * batch commits on its own, so a crash leaves the job to be resumed (lib/studies/erasure.ts).
 */
export const erasures = pgTable(
  "erasures",
  {
    id: text("id").primaryKey(), // ers_...
    studyId: text("study_id").references(() => studies.id), // null: an account's devices outside studies
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    enrolmentId: text("enrolment_id").references(() => enrolments.id),
    reason: text("reason", { enum: ["withdrawal", "account_deleted"] }).notNull(),
    deviceIds: jsonb("device_ids").$type<string[]>().notNull(),
    requestedAt: ts("requested_at").notNull().defaultNow(),
    requestedBy: text("requested_by"),
    readingsDeleted: bigint("readings_deleted", { mode: "number" }).notNull().default(0),
    batches: integer("batches").notNull().default(0),
    completedAt: ts("completed_at"),
  },
  (t) => [
    index("erasures_open_idx")
      .on(t.requestedAt)
      .where(sql`${t.completedAt} is null`),
  ],
);

export type Study = typeof studies.$inferSelect;
export type ConsentVersion = typeof consentVersions.$inferSelect;
export type Enrolment = typeof enrolments.$inferSelect;
export type IntakeQuestion = typeof intakeQuestions.$inferSelect;
export type OnboardingStep = typeof onboardingSteps.$inferSelect;
export type Erasure = typeof erasures.$inferSelect;
