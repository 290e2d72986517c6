import { sql } from "drizzle-orm";
import {
  bigint,
  check,
  doublePrecision,
  primaryKey,
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

// ---- Devices and provisioning (PROTOCOL.md) ----

export const devices = pgTable(
  "devices",
  {
    id: text("id").primaryKey(), // dev_..., stable across re-provisioning and hardware replacement
    ownerId: text("owner_id")
      .notNull()
      .references(() => users.id),
    name: text("name").notNull(),
    model: text("model").notNull(),
    firmware: text("firmware").notNull(),
    measurementIntervalSeconds: integer("measurement_interval_seconds").notNull().default(60),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastSeenAt: ts("last_seen_at"),
    releasedAt: ts("released_at"), // the owner let it go: another account may claim it
  },
  (t) => [
    uniqueIndex("devices_owner_name_key").on(t.ownerId, sql`lower(${t.name})`),
    index("devices_owner_idx").on(t.ownerId),
  ],
);

export const deviceCredentials = pgTable(
  "device_credentials",
  {
    id: text("id").primaryKey(), // crd_...
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    secretSealed: text("secret_sealed").notNull(), // AES-256-GCM, associated data = the credential id
    createdAt: ts("created_at").notNull().defaultNow(),
    lastUsedAt: ts("last_used_at"),
    revokedAt: ts("revoked_at"),
    revokedReason: text("revoked_reason"),
  },
  (t) => [index("device_credentials_device_idx").on(t.deviceId)],
);

export const provisioningSessions = pgTable(
  "provisioning_sessions",
  {
    sid: text("sid").primaryKey(),
    tokenHash: text("token_hash").notNull(),
    model: text("model").notNull(),
    firmware: text("firmware").notNull(),
    state: text("state", { enum: ["waiting", "challenge", "claimed", "expired", "locked"] }).notNull().default("waiting"),
    popFailures: integer("pop_failures").notNull().default(0),
    currentClaimId: text("current_claim_id"),
    // Set when a device that holds a credential started the session (section 5).
    boundDeviceId: text("bound_device_id").references(() => devices.id),
    boundCredentialId: text("bound_credential_id"),
    ip: text("ip"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    lastPollAt: ts("last_poll_at"), // null until the device first polls
    // The answer a claimed session gives, kept so a repeated or polled answer is the same.
    result: jsonb("result").$type<{ deviceId: string; credentialId: string; name: string; bindMac: string }>(),
  },
  (t) => [index("provisioning_sessions_expires_idx").on(t.expiresAt)],
);

export const claims = pgTable(
  "claims",
  {
    id: text("id").primaryKey(), // clm_...
    sid: text("sid")
      .notNull()
      .references(() => provisioningSessions.sid),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    // The submitted PoP, sealed, kept only while the claim is open (null once it ends).
    popSealed: text("pop_sealed"),
    nonce: text("nonce").notNull(),
    serverProof: text("server_proof").notNull(),
    replacesDeviceId: text("replaces_device_id").references(() => devices.id),
    state: text("state", { enum: ["waiting_for_device", "claimed", "failed"] }).notNull().default("waiting_for_device"),
    reason: text("reason", { enum: ["pop_mismatch", "user_declined", "timeout"] }),
    deviceId: text("device_id").references(() => devices.id),
    deviceNonce: text("device_nonce"),
    deviceProof: text("device_proof"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    endedAt: ts("ended_at"),
  },
  (t) => [
    index("claims_sid_idx").on(t.sid),
    index("claims_user_idx").on(t.userId, t.createdAt),
    // At most one open claim per session: the second racing claim fails on this index.
    uniqueIndex("claims_one_open_per_session").on(t.sid).where(sql`${t.state} = 'waiting_for_device'`),
  ],
);

export const requestNonces = pgTable(
  "request_nonces",
  {
    credentialId: text("credential_id").notNull(),
    nonce: text("nonce").notNull(),
    seenAt: ts("seen_at").notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.credentialId, t.nonce] }), index("request_nonces_seen_idx").on(t.seenAt)],
);

export const measurements = pgTable(
  "measurements",
  {
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    property: text("property").notNull(),
    time: ts("time").notNull(),
    unit: text("unit"),
    value: doublePrecision("value").notNull(),
    receivedAt: ts("received_at").notNull().defaultNow(),
  },
  // The key is what makes a resent batch a duplicate rather than a second copy.
  (t) => [primaryKey({ columns: [t.deviceId, t.property, t.time] })],
);

export const deviceCommands = pgTable(
  "device_commands",
  {
    id: text("id").primaryKey(), // cmd_...
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    type: text("type", { enum: ["identify", "reprovision", "reboot", "set_config"] }).notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    issuedBy: text("issued_by"),
    issuedAt: ts("issued_at").notNull().defaultNow(),
    status: text("status", { enum: ["pending", "done", "failed"] }).notNull().default("pending"),
    detail: text("detail"),
    completedAt: ts("completed_at"),
  },
  (t) => [index("device_commands_device_idx").on(t.deviceId, t.status)],
);

export type Device = typeof devices.$inferSelect;
export type DeviceCredential = typeof deviceCredentials.$inferSelect;
export type ProvisioningSession = typeof provisioningSessions.$inferSelect;
export type Claim = typeof claims.$inferSelect;
export type DeviceCommand = typeof deviceCommands.$inferSelect;
