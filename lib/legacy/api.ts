import type { SessionUser } from "../auth/config";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { getDeviceSettings } from "../models/registry";
import { ingestLegacy, type LegacyConfig } from "./ingest";
import {
  importLegacyNodes,
  legacyNodeOfDevice,
  linkableLegacyNodes,
  listLegacyNodes,
  registerLegacyNode,
  setLegacyNodeDisabled,
  setLegacySettings,
} from "./nodes";
import { legacySettingsSchema, linkSchema, nodePatchSchema, registerNodeSchema, staffUpgradeSchema } from "./schemas";
import { upgradeLegacyNode } from "./upgrade";

// The legacy-node use cases as the routes and pages call them (docs/legacy-ingest.md).

export function legacyConfig(): LegacyConfig {
  const e = env();
  return {
    perNodePerMinute: e.CLAIMLINK_LEGACY_REQUESTS_PER_NODE_PER_MINUTE,
    perAddressPerMinute: e.CLAIMLINK_LEGACY_REQUESTS_PER_ADDRESS_PER_MINUTE,
  };
}

/** POST /api/v1/legacy/push-sensor-data: one unsigned request of a legacy node. */
export async function pushLegacyData(req: Request, body: unknown, ip: string | null, audit: Record<string, unknown>) {
  const sensorHeader = req.headers.get("x-sensor");
  if (sensorHeader) audit.hardwareId = sensorHeader.slice(0, 64);
  const { db } = await appDatabase();
  const { hardwareId: _, ...result } = await ingestLegacy(db, legacyConfig(), { sensorHeader, body, ip });
  return result;
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
  return { node: await registerLegacyNode(db, actor, input) };
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
  return { node: await setLegacyNodeDisabled(db, actor, id, disabled) };
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

export async function myLinkableLegacyNodes(user: SessionUser) {
  const { db } = await appDatabase();
  return linkableLegacyNodes(db, user.id);
}

/**
 * What the device page shows about legacy nodes: the node when this record is one (no
 * credential by design), else the owner's nodes this device could take the history of.
 */
export async function legacyInfoForDevice(user: SessionUser, deviceId: string) {
  const { db } = await appDatabase();
  const node = await legacyNodeOfDevice(db, deviceId);
  if (node) return { node: { hardwareId: node.hardwareId, disabled: !!node.disabledAt }, linkable: [] };
  return { node: null, linkable: await linkableLegacyNodes(db, user.id) };
}
