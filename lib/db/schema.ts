import { sql } from "drizzle-orm";
import {
  bigint,
  boolean,
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
    // support: sees everything staff see and changes nothing (lib/auth/roles.ts).
    role: text("role", { enum: ["participant", "staff", "support"] })
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
  },
  (t) => [
    uniqueIndex("users_email_key").on(t.email),
    check("users_email_lower", sql`${t.email} = lower(${t.email})`),
    check("users_role_valid", sql`${t.role} in ('participant', 'staff', 'support')`),
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
    role: text("role", { enum: ["participant", "staff", "support"] }).notNull(),
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

// ---- Devices and provisioning (docs/protocol.md) ----

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
    // The owner reported it lost or stolen: its credentials were revoked, the record stays theirs.
    lostAt: ts("lost_at"),
    // The outage (last contact) the owner was last told about: one "silent" notice per outage.
    silenceNoticeFor: ts("silence_notice_for"),
  },
  (t) => [
    uniqueIndex("devices_owner_name_key").on(t.ownerId, sql`lower(${t.name})`),
    index("devices_owner_idx").on(t.ownerId),
    // The staff fleet console's keyset pages (lib/devices/fleet-query.ts): the default sort
    // (last seen, never seen last) and the model/firmware filters and summary.
    index("devices_last_seen_page_idx").on(sql`coalesce(${t.lastSeenAt}, 'epoch'::timestamptz)`, t.id),
    index("devices_created_page_idx").on(t.createdAt, t.id),
    index("devices_model_firmware_idx").on(t.model, t.firmware),
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
    state: text("state", { enum: ["waiting", "challenge", "claimed", "expired", "locked"] })
      .notNull()
      .default("waiting"),
    popFailures: integer("pop_failures").notNull().default(0),
    currentClaimId: text("current_claim_id"),
    // Set when a device that holds a credential started the session (section 5).
    boundDeviceId: text("bound_device_id").references(() => devices.id),
    boundCredentialId: text("bound_credential_id"),
    ip: text("ip"),
    createdAt: ts("created_at").notNull().defaultNow(),
    expiresAt: ts("expires_at").notNull(),
    // When the device's latest poll ends or ended (written at its start with its deadline, so an
    // idle poll costs one write; a poll the device drops early writes its real end). Null until it polls.
    lastPollAt: ts("last_poll_at"),
    // The newest long poll: an older one still waiting ends when it sees another took its place,
    // so one session token holds at most one poll open (SECURITY.md "Limits").
    pollId: text("poll_id"),
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
    state: text("state", { enum: ["waiting_for_device", "claimed", "failed"] })
      .notNull()
      .default("waiting_for_device"),
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
    uniqueIndex("claims_one_open_per_session")
      .on(t.sid)
      .where(sql`${t.state} = 'waiting_for_device'`),
  ],
);

export const requestNonces = pgTable(
  "request_nonces",
  {
    credentialId: text("credential_id").notNull(),
    nonce: text("nonce").notNull(),
    seenAt: ts("seen_at").notNull().defaultNow(),
    // The request's own timestamp: nonces are forgotten by it, on the app's clock, the same clock
    // and value the staleness check uses, so drift between app and database opens no window.
    requestTs: ts("request_ts").notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.credentialId, t.nonce] }),
    index("request_nonces_seen_idx").on(t.seenAt),
    index("request_nonces_request_ts_idx").on(t.requestTs),
  ],
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
    // False for readings a legacy node sent unsigned (docs/legacy-ingest.md): anyone who knows
    // its hardware id could have sent them. Signed ingest relies on the default.
    verified: boolean("verified").notNull().default(true),
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
    // docs/protocol.md section 4 (1.1): a command not acknowledged by then is not delivered.
    // The default covers commands queued before expiry existed; the app always sets it.
    expiresAt: ts("expires_at")
      .notNull()
      .default(sql`now() + interval '24 hours'`),
    status: text("status", { enum: ["pending", "done", "failed"] })
      .notNull()
      .default("pending"),
    detail: text("detail"),
    completedAt: ts("completed_at"),
  },
  (t) => [index("device_commands_device_idx").on(t.deviceId, t.status)],
);

// A household share: another account views a device (its values and history), nothing more.
export const deviceShares = pgTable(
  "device_shares",
  {
    id: text("id").primaryKey(), // shr_...
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    userId: text("user_id")
      .notNull()
      .references(() => users.id),
    createdBy: text("created_by")
      .notNull()
      .references(() => users.id),
    createdAt: ts("created_at").notNull().defaultNow(),
    endedAt: ts("ended_at"),
    endedReason: text("ended_reason"),
  },
  (t) => [
    index("device_shares_user_idx").on(t.userId),
    // One active share per device and account: sharing twice is refused, not duplicated.
    uniqueIndex("device_shares_one_active")
      .on(t.deviceId, t.userId)
      .where(sql`${t.endedAt} is null`),
  ],
);

export type Device = typeof devices.$inferSelect;
export type DeviceShare = typeof deviceShares.$inferSelect;
export type DeviceCredential = typeof deviceCredentials.$inferSelect;
export type ProvisioningSession = typeof provisioningSessions.$inferSelect;
export type Claim = typeof claims.$inferSelect;
export type DeviceCommand = typeof deviceCommands.$inferSelect;

// ---- Device models and legacy nodes (docs/legacy-ingest.md) ----

export type ModelProperty = { property: string; unit: string | null };

/** The staff-managed registry of device models a session start is checked against (policy `registry`). */
export const deviceModels = pgTable("device_models", {
  model: text("model").primaryKey(), // what devices send as `model`
  displayName: text("display_name").notNull(),
  // Firmware allowed: at least `minFirmware` (dotted numbers compared numerically), or one of
  // `firmwareList`; neither set allows any.
  minFirmware: text("min_firmware"),
  firmwareList: jsonb("firmware_list").$type<string[]>(),
  properties: jsonb("properties").$type<ModelProperty[]>().notNull().default([]),
  defaultIntervalSeconds: integer("default_interval_seconds").notNull().default(60),
  hasConfirmButton: boolean("has_confirm_button").notNull().default(false),
  // Stop accepting legacy (unsigned) data from nodes of this model.
  legacyRefused: boolean("legacy_refused").notNull().default(false),
  createdAt: ts("created_at").notNull().defaultNow(),
  updatedAt: ts("updated_at").notNull().defaultNow(),
});

/** One row (id 1): the model policy and the legacy switches. */
export const deviceSettings = pgTable(
  "device_settings",
  {
    id: integer("id").primaryKey().default(1),
    modelPolicy: text("model_policy", { enum: ["open", "registry"] })
      .notNull()
      .default("open"),
    // Accept data from any hardware id (spoofable): unknown nodes are registered to this account.
    legacyAcceptAny: boolean("legacy_accept_any").notNull().default(false),
    legacyAcceptAnyOwnerId: text("legacy_accept_any_owner_id").references(() => users.id),
    // Refuse all legacy data from this moment on.
    legacyCutoffAt: ts("legacy_cutoff_at"),
    updatedAt: ts("updated_at").notNull().defaultNow(),
  },
  (t) => [
    check("device_settings_single_row", sql`${t.id} = 1`),
    check("device_settings_policy_valid", sql`${t.modelPolicy} in ('open', 'registry')`),
  ],
);

/**
 * A node that identifies itself only by its hardware id and sends unsigned data. Its history
 * lives under `deviceId`, a device record without a credential, until it is upgraded: then the
 * history moves to `upgradedDeviceId` and the hardware id is refused forever.
 */
export const legacyNodes = pgTable(
  "legacy_nodes",
  {
    id: text("id").primaryKey(), // lgn_...
    hardwareId: text("hardware_id").notNull(), // lower case, e.g. esp8266-1234567
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    model: text("model").notNull(),
    softwareVersion: text("software_version"),
    autoRegistered: boolean("auto_registered").notNull().default(false),
    createdAt: ts("created_at").notNull().defaultNow(),
    lastSeenAt: ts("last_seen_at"),
    disabledAt: ts("disabled_at"),
    upgradedAt: ts("upgraded_at"),
    upgradedDeviceId: text("upgraded_device_id").references(() => devices.id),
  },
  (t) => [
    uniqueIndex("legacy_nodes_hardware_id_key").on(t.hardwareId),
    uniqueIndex("legacy_nodes_device_key").on(t.deviceId),
    check("legacy_nodes_hardware_id_lower", sql`${t.hardwareId} = lower(${t.hardwareId})`),
    // An upgrade is one-way: the upgraded device is set exactly when the time is.
    check("legacy_nodes_upgrade_complete", sql`(${t.upgradedAt} is null) = (${t.upgradedDeviceId} is null)`),
  ],
);

/** Properties a registered model's devices sent that its registry entry does not list: flagged for staff. */
export const unlistedProperties = pgTable(
  "unlisted_properties",
  {
    model: text("model").notNull(),
    property: text("property").notNull(),
    firstSeenAt: ts("first_seen_at").notNull().defaultNow(),
    lastSeenAt: ts("last_seen_at").notNull().defaultNow(),
    lastDeviceId: text("last_device_id"),
  },
  (t) => [primaryKey({ columns: [t.model, t.property] })],
);

export type DeviceModel = typeof deviceModels.$inferSelect;
export type DeviceSettings = typeof deviceSettings.$inferSelect;
export type LegacyNode = typeof legacyNodes.$inferSelect;
