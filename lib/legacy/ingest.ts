import { and, eq, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import {
  deviceModels,
  devices,
  legacyNodes,
  legacyRetiredHardwareIds,
  measurements,
  type LegacyNode,
} from "../db/schema";
import { MAX_ABS_VALUE } from "../devices/measurements";
import { AppError } from "../errors/app-error";
import { isUniqueViolation, parseOrThrow } from "../errors/validate";
import { flagUnlistedProperties, getDeviceSettings } from "../models/registry";
import { countHit, peekLimit } from "../rate-limit";
import { addressBucket } from "../rate-limit/address";
import { basicCredentialOf, nodeSecretHash, nodeSecretMatches, type BasicCredential } from "./credentials";
import { insertLegacyNode } from "./nodes";
import { HARDWARE_ID_PATTERN, legacyBodySchema } from "./schemas";

// The unsigned route of nodes that are not yet Claimlink devices (docs/legacy-ingest.md). What
// it stores is at level `secret` when the node presented its credential (HTTP basic
// authentication), else `none`: anyone who knows a hardware id can send as a node without one.

export type LegacyConfig = {
  /** Requests one hardware id may send per minute. */
  perNodePerMinute: number;
  /** Requests one client address (IPv6 by /64) may send per minute, whatever the hardware id. */
  perAddressPerMinute: number;
};
/** Nodes "accept any hardware id" may register from one address in an hour: a flood of made-up ids cannot fill the fleet. */
export const AUTO_REGISTRATIONS_PER_ADDRESS_PER_HOUR = 10;
export const LEGACY_MODEL = "sensor-community";
/** Wrong node passwords one node (by the user name presented) and one address may send in the window. */
export const WRONG_SECRETS_PER_NODE = 10;
export const WRONG_SECRETS_PER_ADDRESS = 30;
export const WRONG_SECRETS_WINDOW_SECONDS = 600;

export type LegacyItemCode = "invalid_item" | "unknown_field" | "invalid_property" | "invalid_value";
export type LegacyResult = {
  accepted: number;
  duplicates: number;
  rejected: { index: number; code: LegacyItemCode }[];
};

/** Units of the value types today's firmware sends (Sensor.Community names, UCUM units). */
const UNITS: Record<string, string> = {
  temperature: "Cel",
  humidity: "%",
  pressure: "Pa",
  p0: "ug/m3",
  p1: "ug/m3",
  p2: "ug/m3",
  p4: "ug/m3",
  noise_laeq: "dB",
  noise_la_min: "dB",
  noise_la_max: "dB",
  signal: "dB[mW]",
};

function unitOf(property: string): string | null {
  return UNITS[property] ?? UNITS[property.replace(/^[a-z0-9]+_/, "")] ?? null;
}

type Reading = { property: string; unit: string | null; value: number };

/** One `{value_type, value}`: the type in lower case as the property, the value a number or a decimal string. */
export function checkLegacyItem(item: unknown): Reading | LegacyItemCode {
  if (typeof item !== "object" || item === null || Array.isArray(item)) return "invalid_item";
  const o = item as Record<string, unknown>;
  if (Object.keys(o).some((k) => k !== "value_type" && k !== "value")) return "unknown_field";
  if (typeof o.value_type !== "string") return "invalid_property";
  const property = o.value_type.toLowerCase();
  if (!/^[a-z][a-z0-9_.-]{0,63}$/.test(property)) return "invalid_property";
  let value: number;
  if (typeof o.value === "number") value = o.value;
  else if (typeof o.value === "string" && /^\s*-?\d{1,16}(\.\d{1,16})?([eE][-+]?\d{1,3})?\s*$/.test(o.value))
    value = Number(o.value);
  else return "invalid_value";
  if (!Number.isFinite(value) || Math.abs(value) > MAX_ABS_VALUE) return "invalid_value";
  return { property, unit: unitOf(property), value };
}

/** The hardware id from `X-Sensor`, else from the body's `esp8266id`; `invalid_request` when neither is usable. */
export function hardwareIdOf(header: string | null, body: { esp8266id?: string | number }): string {
  const raw = header ?? (body.esp8266id !== undefined ? `esp8266-${body.esp8266id}` : "");
  const id = raw.trim().toLowerCase();
  if (!HARDWARE_ID_PATTERN.test(id))
    throw new AppError("invalid_request", "Send the node's hardware id in X-Sensor, such as esp8266-1234567.");
  return id;
}

async function limit(db: Db, key: string, max: number, windowSeconds: number, what: string) {
  const l = await countHit(db, key, { max, windowSeconds });
  if (l.count > max)
    throw new AppError("rate_limited", `${what} Send again in ${l.retryAfterSeconds} s.`, {
      retryAfterSeconds: l.retryAfterSeconds,
    });
}

/** Why a known node's data is refused now, or null when it is accepted. */
async function refusalOf(tx: Db, node: LegacyNode, cutoffAt: Date | null, now: Date): Promise<AppError | null> {
  if (node.upgradedAt)
    return new AppError(
      "legacy_node_upgraded",
      "This node was upgraded to a Claimlink device: unsigned data for its hardware id is refused for good.",
    );
  if (node.disabledAt) return new AppError("legacy_not_accepted", "Data from this node is no longer accepted.");
  // Its owner reported it lost or stolen, or gave it away: its hardware id no longer feeds the record.
  const [record] = await tx
    .select({ lostAt: devices.lostAt, releasedAt: devices.releasedAt })
    .from(devices)
    .where(eq(devices.id, node.deviceId));
  if (!record || record.lostAt || record.releasedAt)
    return new AppError("legacy_not_accepted", "Data from this node is no longer accepted.");
  if (cutoffAt && now >= cutoffAt) return new AppError("legacy_not_accepted", "Legacy data is no longer accepted.");
  const [model] = await tx
    .select({ refused: deviceModels.legacyRefused })
    .from(deviceModels)
    .where(eq(deviceModels.model, node.model));
  if (model?.refused) return new AppError("legacy_not_accepted", "Legacy data from this model is no longer accepted.");
  return null;
}

/** A hash no secret has: compared against when the user names no node, so both cases take the same time. */
const NO_NODE_HASH = nodeSecretHash("no such node");

/**
 * Checks a presented node credential before anything is written: refused at once over the
 * wrong-secret limits (per user name and per address), and a wrong one counts against both.
 * Returns the node it names and the hash it matched (re-checked under the row lock).
 */
async function checkPresentedCredential(db: Db, presented: BasicCredential, address: string) {
  const keys = [
    { key: `legacy:secret:node:${presented.user.slice(0, 64)}`, max: WRONG_SECRETS_PER_NODE },
    { key: `legacy:secret:ip:${address}`, max: WRONG_SECRETS_PER_ADDRESS },
  ];
  for (const k of keys) {
    const state = await peekLimit(db, k.key, { max: k.max, windowSeconds: WRONG_SECRETS_WINDOW_SECONDS });
    if (state.count >= k.max)
      throw new AppError("rate_limited", `Too many wrong node passwords. Send again in ${state.retryAfterSeconds} s.`, {
        retryAfterSeconds: state.retryAfterSeconds,
      });
  }
  const [node] = await db
    .select({ id: legacyNodes.id, hash: legacyNodes.credentialHash, revokedAt: legacyNodes.credentialRevokedAt })
    .from(legacyNodes)
    .where(eq(legacyNodes.id, presented.user));
  if (node && !node.hash && node.revokedAt)
    throw new AppError("legacy_credential_revoked", "This node's password was withdrawn: ask for a new one.");
  const hash = node?.hash ?? NO_NODE_HASH;
  if (!nodeSecretMatches(presented.secret, hash) || !node) {
    for (const k of keys) await countHit(db, k.key, { max: k.max, windowSeconds: WRONG_SECRETS_WINDOW_SECONDS });
    throw new AppError("legacy_credential_invalid", "Wrong node user or password.");
  }
  return { nodeId: node.id, hash };
}

/** A node with a credential sent none: refused, naming why. */
function credentialMissing(node: LegacyNode): AppError | null {
  if (!node.credentialIssuedAt) return null;
  if (!node.credentialHash)
    return new AppError("legacy_credential_revoked", "This node's password was withdrawn: ask for a new one.");
  return new AppError("legacy_credential_required", "This node has a user and password: enter them in its settings.");
}

/**
 * Stores one request of a legacy node. Limited per address and per hardware id; the node must
 * be registered (or "accept any hardware id" on), not disabled, not upgraded, its model not
 * refused and the cut-off not passed. A node with a credential must present it (stored at level
 * `secret`; without one, `none`); a valid credential with another hardware id is the node's new
 * board: the series continues and the old id is refused from then on. The node's row is locked
 * while the readings are written, so an upgrade, a re-issue or a revocation running at the same
 * time either sees them or happens first (and this is refused).
 * Readings carry the time received, to the second: a resend within that second is a duplicate.
 */
export async function ingestLegacy(
  db: Db,
  cfg: LegacyConfig,
  req: { sensorHeader: string | null; authorization?: string | null; body: unknown; ip: string | null },
  now = new Date(),
): Promise<LegacyResult & { hardwareId: string; verification: "secret" | "none" }> {
  const address = addressBucket(req.ip);
  await limit(db, `legacy:ip:${address}`, cfg.perAddressPerMinute, 60, "Too many legacy requests from this address.");
  const body = parseOrThrow(legacyBodySchema, req.body);
  const hardwareId = hardwareIdOf(req.sensorHeader, body);
  await limit(db, `legacy:node:${hardwareId}`, cfg.perNodePerMinute, 60, "Too many requests for this node.");
  const presented = basicCredentialOf(req.authorization ?? null);
  const credential = presented ? await checkPresentedCredential(db, presented, address) : null;

  const readings: Reading[] = [];
  const rejected: LegacyResult["rejected"] = [];
  body.sensordatavalues.forEach((item, index) => {
    const r = checkLegacyItem(item);
    if (typeof r === "string") rejected.push({ index, code: r });
    else readings.push(r);
  });
  const time = new Date(Math.floor(now.getTime() / 1000) * 1000);

  const stored = await retryOnRace(() =>
    db.transaction(async (tx) => {
      const settings = await getDeviceSettings(tx);
      const [retired] = await tx
        .select()
        .from(legacyRetiredHardwareIds)
        .where(eq(legacyRetiredHardwareIds.hardwareId, hardwareId));
      if (retired)
        throw new AppError(
          "legacy_board_replaced",
          "This board was replaced: its hardware id no longer feeds the node's series.",
        );
      let node: LegacyNode | undefined;
      if (credential) {
        [node] = await tx.select().from(legacyNodes).where(eq(legacyNodes.id, credential.nodeId)).for("update");
        // Re-issued or withdrawn since it was checked: the secret it matched is gone.
        if (!node || !node.credentialHash || node.credentialHash !== credential.hash)
          throw new AppError("legacy_credential_invalid", "Wrong node user or password.");
      } else {
        [node] = await tx.select().from(legacyNodes).where(eq(legacyNodes.hardwareId, hardwareId)).for("update");
        if (!node) {
          const ownerId = settings.legacyAcceptAny ? settings.legacyAcceptAnyOwnerId : null;
          if (!ownerId || (settings.legacyCutoffAt && now >= settings.legacyCutoffAt))
            throw new AppError("legacy_not_accepted", "This hardware id is not registered.");
          node = await autoRegister(tx, hardwareId, ownerId, req.ip, address);
        }
      }
      const refusal =
        (await refusalOf(tx, node, settings.legacyCutoffAt, now)) ?? (credential ? null : credentialMissing(node));
      if (refusal) throw refusal;
      if (credential && node.hardwareId !== hardwareId) node = await replaceBoard(tx, node, hardwareId, req.ip, now);
      const level: "secret" | "none" = credential ? "secret" : "none";
      const current = node;
      // The same reading twice in one request is one reading.
      const unique = [...new Map(readings.map((r) => [r.property, r])).values()];
      const inserted =
        unique.length === 0
          ? []
          : await tx
              .insert(measurements)
              .values(unique.map((r) => ({ deviceId: current.deviceId, ...r, time, verification: level })))
              .onConflictDoNothing()
              .returning({ property: measurements.property });
      await tx
        .update(legacyNodes)
        .set({ lastSeenAt: now, softwareVersion: body.software_version ?? current.softwareVersion })
        .where(eq(legacyNodes.id, current.id));
      await tx
        .update(devices)
        .set({ lastSeenAt: now, firmware: body.software_version || undefined })
        .where(eq(devices.id, current.deviceId));
      return { node: current, level, accepted: inserted.length, duplicates: readings.length - inserted.length };
    }),
  );
  await flagUnlistedProperties(
    db,
    stored.node.model,
    stored.node.deviceId,
    readings.map((r) => r.property),
  );
  return {
    hardwareId,
    verification: stored.level,
    accepted: stored.accepted,
    duplicates: stored.duplicates,
    rejected,
  };
}

/**
 * A valid credential arrived with a hardware id the node did not have: its board was replaced.
 * The node takes the new id, the old one is retired (refused from now on), audited. A hardware
 * id another node holds is `conflict`.
 */
async function replaceBoard(tx: Db, node: LegacyNode, hardwareId: string, ip: string | null, now: Date) {
  const [other] = await tx
    .select({ id: legacyNodes.id })
    .from(legacyNodes)
    .where(eq(legacyNodes.hardwareId, hardwareId));
  if (other) throw new AppError("conflict", "This hardware id belongs to another registered node.");
  await tx.insert(legacyRetiredHardwareIds).values({ hardwareId: node.hardwareId, nodeId: node.id, retiredAt: now });
  const [updated] = await tx
    .update(legacyNodes)
    .set({ hardwareId, boardReplacedAt: now })
    .where(eq(legacyNodes.id, node.id))
    .returning();
  await recordAudit(
    tx,
    { id: null, label: hardwareId, ip },
    {
      action: "legacy.board_replaced",
      outcome: "success",
      subjectDeviceId: node.deviceId,
      detail: { nodeId: node.id, hardwareId, previousHardwareId: node.hardwareId },
    },
  );
  return updated;
}

async function autoRegister(tx: Db, hardwareId: string, ownerId: string, ip: string | null, address: string) {
  await limit(
    tx,
    `legacy:auto:${address}`,
    AUTO_REGISTRATIONS_PER_ADDRESS_PER_HOUR,
    3600,
    "Too many new hardware ids from this address.",
  );
  const name = await freeName(tx, ownerId, hardwareId);
  const node = await insertLegacyNode(tx, {
    hardwareId,
    ownerId,
    name,
    model: LEGACY_MODEL,
    autoRegistered: true,
  });
  const actor: Actor = { id: null, label: hardwareId, ip };
  await recordAudit(tx, actor, {
    action: "legacy.auto_registered",
    outcome: "success",
    subjectUserId: ownerId,
    subjectDeviceId: node.deviceId,
    detail: { hardwareId, nodeId: node.id },
  });
  return node;
}

/** Two first requests of one unknown node at once: the second's registration loses the race, and it runs again. */
async function retryOnRace<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    return run();
  }
}

/** The hardware id as the device's name, or "<id> (2)" and so on when the owner already uses it. */
async function freeName(tx: Db, ownerId: string, hardwareId: string): Promise<string> {
  for (let i = 1; ; i++) {
    const candidate = i === 1 ? hardwareId : `${hardwareId} (${i})`;
    const [taken] = await tx
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.ownerId, ownerId), sql`lower(${devices.name}) = lower(${candidate})`));
    if (!taken) return candidate;
  }
}
