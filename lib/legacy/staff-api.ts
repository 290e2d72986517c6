import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { getDeviceSettings } from "../models/registry";
import { issueNodeCredential, issueNodeCredentialsInBulk, revokeNodeCredential } from "./credentials";
import {
  importLegacyNodes,
  legacyNodeView,
  listLegacyNodes,
  registerLegacyNode,
  setLegacyNodeDisabled,
  setLegacySettings,
} from "./nodes";
import {
  bulkCredentialsSchema,
  legacySettingsSchema,
  nodePatchSchema,
  registerNodeSchema,
  staffUpgradeSchema,
} from "./schemas";
import { upgradeLegacyNode } from "./upgrade";

// Staff's legacy-node requests, as the routes and the staff page call them
// (docs/legacy-ingest.md): each parses what the edge received and calls one use case.

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
