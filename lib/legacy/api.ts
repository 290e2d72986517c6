import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { getDeviceSettings } from "../models/registry";
import {
  basicCredentialOf,
  issueNodeCredential,
  issueNodeCredentialsInBulk,
  revokeNodeCredential,
} from "./credentials";
import { ingestLegacy, type LegacyConfig } from "./ingest";
import {
  importLegacyNodes,
  legacyNodeOfDevice,
  legacyNodeView,
  linkableLegacyNodes,
  listLegacyNodes,
  ownedRecord,
  registerLegacyNode,
  setLegacyNodeDisabled,
  setLegacySettings,
} from "./nodes";
import {
  bulkCredentialsSchema,
  legacySettingsSchema,
  linkSchema,
  nodePatchSchema,
  registerNodeSchema,
  staffUpgradeSchema,
} from "./schemas";
import { upgradeLegacyNode } from "./upgrade";

// The legacy-node use cases as the routes and pages call them (docs/legacy-ingest.md).

export function legacyConfig(): LegacyConfig {
  const e = env();
  return {
    perNodePerMinute: e.CLAIMLINK_LEGACY_REQUESTS_PER_NODE_PER_MINUTE,
    perAddressPerMinute: e.CLAIMLINK_LEGACY_REQUESTS_PER_ADDRESS_PER_MINUTE,
  };
}

/** What the route read from a legacy node's request: its two headers, the parsed body, the address. */
export interface LegacyPush {
  sensorHeader: string | null;
  authorization: string | null;
  body: unknown;
  ip: string | null;
}

/** POST /api/v1/legacy/push-sensor-data: one unsigned request of a legacy node. */
export async function pushLegacyData(push: LegacyPush, audit: Record<string, unknown>) {
  const { sensorHeader, authorization } = push;
  if (sensorHeader) audit.hardwareId = sensorHeader.slice(0, 64);
  // The user name only (the node's id), never the password.
  const user = safeBasicUser(authorization);
  if (user) audit.user = user;
  const { db } = await appDatabase();
  const { hardwareId: _, ...result } = await ingestLegacy(db, legacyConfig(), push);
  return result;
}

function safeBasicUser(authorization: string | null): string | null {
  try {
    return basicCredentialOf(authorization)?.user.slice(0, 64) ?? null;
  } catch {
    return null;
  }
}

/** Staff issue (or re-issue) one node's credential: `{ user, secret }`, the secret's only showing. */
export async function issueNodeCredentialRequest(actor: Actor, nodeId: string | undefined) {
  const id = idOrNotFound("lgn", nodeId);
  const { db } = await appDatabase();
  const c = await issueNodeCredential(db, actor, id);
  return { user: c.user, secret: c.secret, hardwareId: c.hardwareId };
}

export async function revokeNodeCredentialRequest(actor: Actor, nodeId: string | undefined) {
  const id = idOrNotFound("lgn", nodeId);
  const { db } = await appDatabase();
  return revokeNodeCredential(db, actor, id);
}

/** Staff issue credentials for many nodes: the CSV of users and secrets, shown once. */
export async function issueNodeCredentialsInBulkRequest(actor: Actor, body: unknown) {
  const { hardwareIds } = parseOrThrow(bulkCredentialsSchema, body);
  const { db } = await appDatabase();
  const csv = await issueNodeCredentialsInBulk(db, actor, hardwareIds);
  return { count: csv.trim().split("\r\n").length - 1, csv };
}

/** The owner of a legacy node's record issues (or re-issues) its credential on the device page. */
export async function issueMyNodeCredentialRequest(actor: Actor, user: SessionUser, deviceId: string | undefined) {
  const node = await myLegacyNode(user, deviceId);
  const { db } = await appDatabase();
  const c = await issueNodeCredential(db, { ...actor, id: user.id }, node.id, { ownerId: user.id });
  return { user: c.user, secret: c.secret, hardwareId: c.hardwareId };
}

export async function revokeMyNodeCredentialRequest(actor: Actor, user: SessionUser, deviceId: string | undefined) {
  const node = await myLegacyNode(user, deviceId);
  const { db } = await appDatabase();
  return revokeNodeCredential(db, { ...actor, id: user.id }, node.id, { ownerId: user.id });
}

/** The legacy node whose record is this device of the user's; anything else is `device_not_found`. */
async function myLegacyNode(user: SessionUser, deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  const node = await legacyNodeOfDevice(db, id);
  const [owned] = node ? await ownedRecord(db, user.id, id) : [];
  if (!node || !owned) throw new AppError("device_not_found", "No such device.");
  return node;
}

export async function legacyForStaff() {
  const { db } = await appDatabase();
  const [nodes, settings] = await Promise.all([listLegacyNodes(db), getDeviceSettings(db)]);
  return {
    settings: {
      acceptAny: settings.legacyAcceptAny,
      acceptAnyOwnerId: settings.legacyAcceptAnyOwnerId,
      cutoffAt: settings.legacyCutoffAt,
    },
    nodes,
  };
}

export async function registerLegacyNodeRequest(actor: Actor, body: unknown) {
  const input = parseOrThrow(registerNodeSchema, body);
  const { db } = await appDatabase();
  return { node: legacyNodeView(await registerLegacyNode(db, actor, input)) };
}

export async function importLegacyNodesRequest(actor: Actor, csv: string) {
  if (csv.split(/\r?\n/).length > 1001) throw new AppError("invalid_request", "Import at most 1000 lines at once.");
  const { db } = await appDatabase();
  const report = await importLegacyNodes(db, actor, csv);
  return { report };
}

export async function patchLegacyNodeRequest(actor: Actor, nodeId: string | undefined, body: unknown) {
  const id = idOrNotFound("lgn", nodeId);
  const { disabled } = parseOrThrow(nodePatchSchema, body);
  const { db } = await appDatabase();
  return { node: legacyNodeView(await setLegacyNodeDisabled(db, actor, id, disabled)) };
}

export async function setLegacySettingsRequest(actor: Actor, user: SessionUser, body: unknown) {
  const input = parseOrThrow(legacySettingsSchema, body);
  const { db } = await appDatabase();
  const s = await setLegacySettings(db, { ...actor, id: user.id }, input);
  return { settings: { acceptAny: s.legacyAcceptAny, cutoffAt: s.legacyCutoffAt } };
}

/** Staff upgrade a node to a claimed device of any account. */
export async function staffUpgradeRequest(actor: Actor, nodeId: string | undefined, body: unknown) {
  const id = idOrNotFound("lgn", nodeId);
  const { deviceId } = parseOrThrow(staffUpgradeSchema, body);
  const { db } = await appDatabase();
  return upgradeLegacyNode(db, actor, { nodeId: id, deviceId, asStaff: true });
}

/** An owner links their claimed device to their legacy node. */
export async function linkLegacyNodeRequest(
  actor: Actor,
  user: SessionUser,
  deviceId: string | undefined,
  body: unknown,
) {
  const id = idOrNotFound("dev", deviceId);
  const { hardwareId } = parseOrThrow(linkSchema, body);
  const { db } = await appDatabase();
  return upgradeLegacyNode(db, { ...actor, id: user.id }, { deviceId: id, hardwareId, asStaff: false });
}

/**
 * What the device page shows about legacy nodes: the node when this record is one (its
 * credential's state, never its secret; when its board was replaced), else the owner's nodes
 * this device could take the history of.
 */
export async function legacyInfoForDevice(user: SessionUser, deviceId: string) {
  const { db } = await appDatabase();
  const node = await legacyNodeOfDevice(db, deviceId);
  if (node)
    return {
      node: {
        hardwareId: node.hardwareId,
        disabled: !!node.disabledAt,
        credential: legacyNodeView(node).credential,
        credentialIssuedAt: node.credentialIssuedAt,
        boardReplacedAt: node.boardReplacedAt,
        upgraded: !!node.upgradedAt,
      },
      linkable: [],
    };
  return { node: null, linkable: await linkableLegacyNodes(db, user.id) };
}
