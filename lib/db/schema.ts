import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
} from "drizzle-orm/pg-core";

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(), // usr_...
    // Stored lower-cased: email is compared case-insensitively everywhere.
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["participant", "staff"] }).notNull().default("participant"),
    passwordHash: text("password_hash").notNull(),
    disabledAt: ts("disabled_at"),
    createdAt: ts("created_at").notNull().defaultNow(),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check("users_email_lower", sql`${t.email} = lower(${t.email})`),
    check("users_role_valid", sql`${t.role} in ('participant', 'staff')`),
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
  (t) => [
    uniqueIndex("auth_sessions_token_hash_key").on(t.tokenHash),
    index("auth_sessions_user_idx").on(t.userId),
  ],
);

export const invitations = pgTable(
  "invitations",
  {
    id: text("id").primaryKey(), // inv_...
    email: text("email").notNull(),
    name: text("name").notNull(),
    role: text("role", { enum: ["participant", "staff"] }).notNull(),
    tokenHash: text("token_hash").notNull(),
    createdBy: text("created_by").references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    acceptedAt: ts("accepted_at"),
    userId: text("user_id").references(() => users.id),
    revokedAt: ts("revoked_at"),
  },
  (t) => [
    uniqueIndex("invitations_token_hash_key").on(t.tokenHash),
    index("invitations_email_idx").on(t.email),
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
export type AuditEvent = typeof auditEvents.$inferSelect;
