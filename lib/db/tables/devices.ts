import { sql } from "drizzle-orm";
import {
  check,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { ts } from "./columns";
import { studies } from "./studies";

// Devices and provisioning (docs/protocol.md).

/** How a reading's sender was verified, strongest first (docs/legacy-ingest.md "Levels of trust"). */
export const VERIFICATION_LEVELS = ["signed", "secret", "none"] as const;
export type VerificationLevel = (typeof VERIFICATION_LEVELS)[number];

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
    // The study it was claimed for (docs/studies.md); its readings are that study's data.
    studyId: text("study_id").references(() => studies.id),
  },
  (t) => [
    uniqueIndex("devices_owner_name_key").on(t.ownerId, sql`lower(${t.name})`),
    index("devices_owner_idx").on(t.ownerId),
    // The staff fleet console's keyset pages (lib/devices/fleet-query.ts): the default sort
    // (last seen, never seen last) and the model/firmware filters and summary.
    index("devices_last_seen_page_idx").on(sql`coalesce(${t.lastSeenAt}, 'epoch'::timestamptz)`, t.id),
    index("devices_created_page_idx").on(t.createdAt, t.id),
    index("devices_model_firmware_idx").on(t.model, t.firmware),
    index("devices_study_idx").on(t.studyId),
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
    // The study the claimant claims the device for (lib/provisioning/claim-study.ts).
    studyId: text("study_id").references(() => studies.id),
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
  (t) => [primaryKey({ columns: [t.credentialId, t.nonce] }), index("request_nonces_request_ts_idx").on(t.requestTs)],
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
    // How the reading's sender was verified (docs/legacy-ingest.md "Levels of trust"): `signed` by
    // the Claimlink protocol, `secret` a legacy node's credential, `none` its hardware id only.
    // Signed ingest relies on the default.
    verification: text("verification", { enum: VERIFICATION_LEVELS }).notNull().default("signed"),
  },
  // The key is what makes a resent batch a duplicate rather than a second copy.
  (t) => [
    primaryKey({ columns: [t.deviceId, t.property, t.time] }),
    check("measurements_verification_level", sql`${t.verification} in ('signed', 'secret', 'none')`),
  ],
);

export const deviceCommands = pgTable(
  "device_commands",
  {
    id: text("id").primaryKey(), // cmd_...
    deviceId: text("device_id")
      .notNull()
      .references(() => devices.id),
    type: text("type", { enum: ["identify", "reprovision", "reboot", "set_config", "update_firmware"] }).notNull(),
    params: jsonb("params").$type<Record<string, unknown>>().notNull().default({}),
    issuedBy: text("issued_by"),
    issuedAt: ts("issued_at").notNull().defaultNow(),
    // docs/protocol.md section 4 (1.1): a command not acknowledged by then is not delivered.
    // The default covers commands queued before expiry existed; the app always sets it.
    expiresAt: ts("expires_at")
      .notNull()
      .default(sql`now() + interval '24 hours'`),
    // (1.2) `in_progress`: the device reported progress (section 7); still listed and open.
    status: text("status", { enum: ["pending", "in_progress", "done", "failed"] })
      .notNull()
      .default("pending"),
    detail: text("detail"),
    completedAt: ts("completed_at"),
    // (1.2) Firmware updates (docs/protocol.md section 7, lib/firmware/update-command.ts).
    // The staged rollout that issued it (lib/firmware rollouts; no foreign key by design).
    rolloutId: text("rollout_id"),
    // The code before ':' of a failed acknowledgement's detail (wrong_model, bad_signature, downgrade,
    // too_large, hash_mismatch, download_failed, rolled_back, ...), or `expired` for one ended unacknowledged.
    failureCode: text("failure_code"),
    // The latest in_progress detail and when it came.
    progress: text("progress"),
    progressAt: ts("progress_at"),
    // The device's running firmware when the update was issued, and the one it reported in its
    // acknowledgement (section 7: `firmware` on done/failed).
    fromFirmware: text("from_firmware"),
    reportedFirmware: text("reported_firmware"),
    // A bad_signature report is an alarm (SECURITY.md): listed to staff until one acknowledges it.
    alarmAckedAt: ts("alarm_acked_at"),
    alarmAckedBy: text("alarm_acked_by"),
  },
  (t) => [
    index("device_commands_device_idx").on(t.deviceId, t.status),
    index("device_commands_rollout_idx")
      .on(t.rolloutId, t.status)
      .where(sql`${t.rolloutId} is not null`),
    // The open firmware alarms (lib/firmware/alarms.ts): few, read on every staff console page.
    index("device_commands_open_alarm_idx")
      .on(t.completedAt)
      .where(sql`${t.failureCode} = 'bad_signature' and ${t.alarmAckedAt} is null`),
  ],
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
