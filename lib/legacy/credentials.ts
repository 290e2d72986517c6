import { randomBytes } from "node:crypto";
import { and, eq, inArray, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { csvCell } from "../csv";
import type { Db } from "../db/client";
import { devices, legacyNodes, users, type LegacyNode } from "../db/schema";
import { base32Encode } from "../crypto/base32";
import { safeEqual, sha256Hex } from "../crypto/tokens";
import { AppError } from "../errors/app-error";

// Node credentials (docs/legacy-ingest.md "Node credentials"): the user name and password that
// today's Sensor.Community firmware sends as HTTP basic authentication on every upload. The
// user name is the node's id (it never changes, so a replacement board keeps it); the secret is
// 128 random bits, shown once and kept only as its SHA-256 (a bearer secret of that entropy needs
// no slow hash).

/** Bits of randomness in a node secret. */
export const NODE_SECRET_BYTES = 16;

export type NodeCredential = { nodeId: string; hardwareId: string; user: string; secret: string };

/** A new secret: 26 base32 characters, which a person can type into the firmware's password field. */
function newNodeSecret(): string {
  return base32Encode(randomBytes(NODE_SECRET_BYTES));
}

/** What a typed secret is compared as: case and spaces or dashes a person added do not matter. */
export function nodeSecretHash(secret: string): string {
  return sha256Hex(secret.replace(/[\s-]/g, "").toUpperCase());
}

/** True when `secret` is the one whose hash is stored, compared in constant time. */
export function nodeSecretMatches(secret: string, storedHash: string | null): boolean {
  if (!storedHash) return false;
  return safeEqual(nodeSecretHash(secret), storedHash);
}

type IssueScope = { ownerId?: string };

async function issueOne(tx: Db, actor: Actor, node: LegacyNode, how: "staff" | "owner" | "bulk") {
  if (node.upgradedAt)
    throw new AppError("conflict", "This node was upgraded to a Claimlink device: it needs no password any more.");
  const secret = newNodeSecret();
  await tx
    .update(legacyNodes)
    .set({ credentialHash: nodeSecretHash(secret), credentialIssuedAt: new Date(), credentialRevokedAt: null })
    .where(eq(legacyNodes.id, node.id));
  await recordAudit(tx, actor, {
    action: node.credentialIssuedAt ? "legacy.credential_reissued" : "legacy.credential_issued",
    outcome: "success",
    subjectDeviceId: node.deviceId,
    detail: { nodeId: node.id, hardwareId: node.hardwareId, by: how },
  });
  return { nodeId: node.id, hardwareId: node.hardwareId, user: node.id, secret };
}

/** The node, locked; `not_found` when it does not exist or (for an owner) is not theirs. */
async function lockedNode(tx: Db, nodeId: string, scope: IssueScope): Promise<LegacyNode> {
  const [row] = await tx
    .select({ node: legacyNodes, ownerId: devices.ownerId, releasedAt: devices.releasedAt })
    .from(legacyNodes)
    .innerJoin(devices, eq(devices.id, legacyNodes.deviceId))
    .where(eq(legacyNodes.id, nodeId))
    .for("update", { of: legacyNodes });
  if (!row || (scope.ownerId && (row.ownerId !== scope.ownerId || row.releasedAt)))
    throw new AppError("not_found", "No such legacy node.");
  return row.node;
}

/**
 * Issues (or re-issues, replacing the old one at once) a node's credential: the only time its
 * secret is seen. An owner (`scope.ownerId`) may issue only for their own node; an upgraded
 * node is `conflict`. Audited in the same transaction.
 */
export async function issueNodeCredential(
  db: Db,
  actor: Actor,
  nodeId: string,
  scope: IssueScope = {},
): Promise<NodeCredential> {
  return db.transaction(async (tx) =>
    issueOne(tx, actor, await lockedNode(tx, nodeId, scope), scope.ownerId ? "owner" : "staff"),
  );
}

/**
 * Withdraws a node's credential: its secret is refused from the next request on, and so is the
 * node without one (it needs a new credential). Idempotent; audited.
 */
export async function revokeNodeCredential(db: Db, actor: Actor, nodeId: string, scope: IssueScope = {}) {
  return db.transaction(async (tx) => {
    const node = await lockedNode(tx, nodeId, scope);
    if (!node.credentialIssuedAt) throw new AppError("not_found", "This node has no credential to withdraw.");
    if (node.credentialHash) {
      await tx
        .update(legacyNodes)
        .set({ credentialHash: null, credentialRevokedAt: new Date() })
        .where(eq(legacyNodes.id, node.id));
      await recordAudit(tx, actor, {
        action: "legacy.credential_revoked",
        outcome: "success",
        subjectDeviceId: node.deviceId,
        detail: { nodeId: node.id, hardwareId: node.hardwareId, by: scope.ownerId ? "owner" : "staff" },
      });
    }
    return { nodeId: node.id, revoked: true as const };
  });
}

export const BULK_CREDENTIALS_HEADER = ["hardware id", "owner email", "name", "user", "password"];

/**
 * Issues credentials for many nodes at once (staff rolling out to a registered fleet): one
 * transaction, so the CSV it returns is the whole truth or nothing changed. Every hardware id
 * must be a registered node that was not upgraded (else `invalid_request` naming them).
 */
export async function issueNodeCredentialsInBulk(db: Db, actor: Actor, hardwareIds: string[]): Promise<string> {
  const wanted = [...new Set(hardwareIds)];
  return db.transaction(async (tx) => {
    const rows = await tx
      .select({ node: legacyNodes, name: devices.name, ownerEmail: users.email })
      .from(legacyNodes)
      .innerJoin(devices, eq(devices.id, legacyNodes.deviceId))
      .innerJoin(users, eq(users.id, devices.ownerId))
      .where(and(inArray(legacyNodes.hardwareId, wanted), isNull(legacyNodes.upgradedAt)))
      .orderBy(legacyNodes.hardwareId)
      .for("update", { of: legacyNodes });
    const found = new Set(rows.map((r) => r.node.hardwareId));
    const missing = wanted.filter((h) => !found.has(h));
    if (missing.length > 0)
      throw new AppError(
        "invalid_request",
        `Not a registered node that can take a password: ${missing.slice(0, 10).join(", ")}${missing.length > 10 ? ", …" : ""}.`,
      );
    let csv = BULK_CREDENTIALS_HEADER.join(",") + "\r\n";
    for (const r of rows) {
      const c = await issueOne(tx, actor, r.node, "bulk");
      csv += [c.hardwareId, csvCell(r.ownerEmail), csvCell(r.name), c.user, c.secret].join(",") + "\r\n";
    }
    return csv;
  });
}

export type BasicCredential = { user: string; secret: string };

/**
 * The user and password of an `Authorization: Basic` header (RFC 7617), null when there is no
 * header; `legacy_credential_invalid` for one that is not well-formed basic authentication.
 */
export function basicCredentialOf(header: string | null): BasicCredential | null {
  if (header === null || header.trim() === "") return null;
  const m = /^Basic\s+([A-Za-z0-9+/]{1,512}={0,2})\s*$/i.exec(header);
  const decoded = m ? Buffer.from(m[1], "base64").toString("utf8") : "";
  const colon = decoded.indexOf(":");
  if (colon < 1)
    throw new AppError("legacy_credential_invalid", "Send the node's user and password as HTTP basic authentication.");
  return { user: decoded.slice(0, colon).trim(), secret: decoded.slice(colon + 1) };
}
