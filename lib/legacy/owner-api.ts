import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { AppError } from "../errors/app-error";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { issueNodeCredential, revokeNodeCredential } from "./credentials";
import { legacyNodeOfDevice, legacyNodeView, linkableLegacyNodes, ownedRecord } from "./nodes";
import { linkSchema } from "./schemas";
import { upgradeLegacyNode } from "./upgrade";

// The legacy-node requests of a signed-in owner, on their device page (docs/legacy-ingest.md):
// each parses what the edge received and calls one use case. A device that is not the person's,
// or not a legacy node's record, answers `device_not_found`.

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
