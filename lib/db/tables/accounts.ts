import { sql } from "drizzle-orm";
import { bigint, check, index, integer, jsonb, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";
import { ts } from "./columns";
import { studies } from "./studies";

// Accounts, their sign-in and recovery, the audit log and the shared rate-limit counters.

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(), // usr_...
    // Stored lower-cased: email is compared case-insensitively everywhere.
    email: text("email").notNull(),
    name: text("name").notNull(),
    // support: sees everything staff see and changes nothing; researcher: the dashboard and
    // export of the studies granted to them, nothing else (lib/auth/roles.ts).
    role: text("role", { enum: ["participant", "staff", "support", "researcher"] })
      .notNull()
      .default("participant"),
    passwordHash: text("password_hash").notNull(),
    disabledAt: ts("disabled_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
    // Two-factor sign-in (lib/auth/two-factor.ts): the TOTP secret sealed like device secrets
    // (associated data "totp:<user id>"), set once the first code confirmed it.
    totpSecretSealed: text("totp_secret_sealed"),
    totpEnabledAt: ts("totp_enabled_at"),
    // The last time step a code was accepted for: a code is never accepted twice.
    totpLastStep: bigint("totp_last_step", { mode: "number" }),
    // An enrolment waiting for its first code.
    totpPendingSealed: text("totp_pending_sealed"),
    // Kinds of device notice (lib/devices/notices.ts) this person switched off on /account.
    noticesOff: jsonb("notices_off").$type<string[]>().notNull().default([]),
    // The language this person chose (nl or en; lib/i18n/locales.ts); null: their browser's.
    locale: text("locale", { enum: ["nl", "en"] }),
    // The account was deleted (lib/accounts/delete-account.ts): email and name were replaced,
    // so the row and the audit log keep only a pseudonymous actor.
    deletedAt: ts("deleted_at"),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check("users_email_lower", sql`${t.email} = lower(${t.email})`),
    check("users_role_valid", sql`${t.role} in ('participant', 'staff', 'support', 'researcher')`),
  ],
);

export const authSessions = pgTable(
  "auth_sessions",
  {
    id: text("id").primaryKey(), // ses_..., shown to the user; the cookie holds a separate token
    tokenHash: text("token_hash").notNull(), // hex SHA-256 of the cookie token
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    ip: text("ip"),
    userAgent: text("user_agent"),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    revokedAt: ts("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [uniqueIndex("auth_sessions_token_hash_key").on(t.tokenHash), index("auth_sessions_user_idx").on(t.userId)],
);

export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(), // inv_...
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["participant", "staff", "support", "researcher"] }).notNull(),
    // A participant's invitation may name a study (lib/studies/invite.ts); others never do.
    studyId: text("study_id").references(() => studies.id),
    // The language of its mails (nl or en), kept so a renewed link is mailed in it; null: the default.
    locale: text("locale", { enum: ["nl", "en"] }),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    userId: text("user_id").references(() => users.id),
    revokedAt: ts("revoked_at"),
  },
  (t) => [uniqueIndex("invitations_token_hash_key").on(t.tokenHash), index("invitations_email_idx").on(t.email)],
);

// Single-use recovery codes of two-factor sign-in; only their SHA-256 is kept.
export const recoveryCodes = pgTable(
  "recovery_codes",
  {
    id: text("id").primaryKey(), // rcv_...
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    codeHash: text("code_hash").notNull(),
    createdAt: ts("created_at").notNull().defaultNow(),
    usedAt: ts("used_at"),
  },
  (t) => [uniqueIndex("recovery_codes_hash_key").on(t.codeHash), index("recovery_codes_user_idx").on(t.userId)],
);

// "Password verified, awaiting the second factor": a short-lived, single-use ticket whose
// token the sign-in form holds between its two steps; only the token's SHA-256 is kept.
export const signinTickets = pgTable(
  "signin_tickets",
  {
    id: text("id").primaryKey(), // stk_...
    tokenHash: text("token_hash").notNull(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    ip: text("ip"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    failures: integer("failures").notNull().default(0),
    usedAt: ts("used_at"),
  },
  (t) => [
    uniqueIndex("signin_tickets_token_hash_key").on(t.tokenHash),
    index("signin_tickets_expires_idx").on(t.expiresAt),
  ],
);

// A password-reset link: single use, one hour; the token travels in the URL fragment.
export const passwordResets = pgTable(
  "password_resets",
  {
    id: text("id").primaryKey(), // pwr_...
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    usedAt: ts("used_at"),
    revokedAt: ts("revoked_at"),
  },
  (t) => [
    uniqueIndex("password_resets_token_hash_key").on(t.tokenHash),
    index("password_resets_user_idx").on(t.userId),
  ],
);

// Append-only: a trigger (drizzle/0001_audit_append_only.sql) refuses UPDATE and DELETE.
export const auditEvents = pgTable(
  "audit_events",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    at: ts("at").notNull().defaultNow(),
    actorId: text("actor_id"), // a user id, or null for the system, the CLI or an anonymous caller
    actorLabel: text("actor_label").notNull(), // email, "cli", "system", "anonymous"
    action: text("action").notNull(),
    subjectUserId: text("subject_user_id"),
    subjectLabel: text("subject_label"),
    subjectDeviceId: text("subject_device_id"),
    ip: text("ip"),
    outcome: text("outcome", { enum: ["success", "failure"] }).notNull(),
    detail: jsonb("detail").$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    index("audit_events_at_idx").on(t.at),
    index("audit_events_actor_idx").on(t.actorId, t.at),
    index("audit_events_subject_user_idx").on(t.subjectUserId, t.at),
    index("audit_events_subject_device_idx").on(t.subjectDeviceId, t.at),
  ],
);

// Fixed-window counters shared by every app process (the database is the only shared state).
export const rateLimits = pgTable("rate_limits", {
  key: text("key").primaryKey(),
  windowStartedAt: ts("window_started_at").notNull(),
  count: integer("count").notNull(),
});

export type User = typeof users.$inferSelect;
export type AuthSession = typeof authSessions.$inferSelect;
export type Invitation = typeof invitations.$inferSelect;
export type PasswordReset = typeof passwordResets.$inferSelect;
export type AuditEvent = typeof auditEvents.$inferSelect;
