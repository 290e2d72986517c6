import { sql } from "drizzle-orm";
import { boolean, check, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { users } from "./accounts";
import { ts } from "./columns";
import { devices } from "./devices";

// Device models and legacy nodes (docs/legacy-ingest.md).

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
    // Its credential (docs/legacy-ingest.md "Node credentials"): the user name is the node's id,
    // the secret is kept only as its SHA-256. Once one was issued the node must always present
    // one: revoking clears the hash and the node is refused until a new one is issued.
    credentialHash: text("credential_hash"),
    credentialIssuedAt: ts("credential_issued_at"),
    credentialRevokedAt: ts("credential_revoked_at"),
    // When a valid credential first arrived with another hardware id: the board was replaced.
    boardReplacedAt: ts("board_replaced_at"),
  },
  (t) => [
    uniqueIndex("legacy_nodes_hardware_id_key").on(t.hardwareId),
    uniqueIndex("legacy_nodes_device_key").on(t.deviceId),
    check("legacy_nodes_hardware_id_lower", sql`${t.hardwareId} = lower(${t.hardwareId})`),
    // An upgrade is one-way: the upgraded device is set exactly when the time is.
    check("legacy_nodes_upgrade_complete", sql`(${t.upgradedAt} is null) = (${t.upgradedDeviceId} is null)`),
  ],
);

/**
 * Hardware ids a node had before its board was replaced: refused from then on, whatever the
 * request presents (a node's old board must not write into the series again).
 */
export const legacyRetiredHardwareIds = pgTable("legacy_retired_hardware_ids", {
  hardwareId: text("hardware_id").primaryKey(),
  nodeId: text("node_id")
    .notNull()
    .references(() => legacyNodes.id),
  retiredAt: ts("retired_at").notNull().defaultNow(),
});

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
