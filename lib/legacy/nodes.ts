import { and, desc, eq, sql } from "drizzle-orm";
import { parseCsvLine } from "../csv";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { devices, legacyNodes, legacyRetiredHardwareIds, users, type LegacyNode } from "../db/schema";
import { AppError } from "../errors/app-error";
import { isUniqueViolation } from "../errors/validate";
import { newId } from "../ids";
import { getDeviceSettings, updateDeviceSettings } from "../models/registry";
import { registerNodeSchema, type LegacySettingsInput, type RegisterNodeInput } from "./schemas";

/** The firmware recorded on a legacy node's device record until it reports its software version. */
export const LEGACY_FIRMWARE = "legacy";

function violated(err: unknown, constraint: string): boolean {
  const e = err as { message?: string; cause?: { message?: string; constraint_name?: string; constraint?: string } };
  const text = [e?.message, e?.cause?.message, e?.cause?.constraint_name, e?.cause?.constraint].join(" ");
  return isUniqueViolation(err) && text.includes(constraint);
}

/**
 * Inserts a legacy node and the device record its history lives under, inside the caller's
 * transaction. Throws `conflict` for a hardware id already known (or retired when its board was
 * replaced) and `name_taken` for a name the owner already uses.
 */
export async function insertLegacyNode(
  tx: Db,
  input: { hardwareId: string; ownerId: string; name: string; model: string; autoRegistered?: boolean },
): Promise<LegacyNode> {
  // A replaced board's id stays retired: registering it again would let the old board write again.
  const [retired] = await tx
    .select()
    .from(legacyRetiredHardwareIds)
    .where(eq(legacyRetiredHardwareIds.hardwareId, input.hardwareId));
  if (retired) throw new AppError("conflict", `The hardware id ${input.hardwareId} belonged to a replaced board.`);
  const deviceId = newId("dev");
  await tx.insert(devices).values({
    id: deviceId,
    ownerId: input.ownerId,
    name: input.name,
    model: input.model,
    firmware: LEGACY_FIRMWARE,
  });
  const [node] = await tx
    .insert(legacyNodes)
    .values({
      id: newId("lgn"),
      hardwareId: input.hardwareId,
      deviceId,
      model: input.model,
      autoRegistered: input.autoRegistered ?? false,
    })
    .returning();
  return node;
}

/** Staff register one legacy node for an account (audited). */
export async function registerLegacyNode(db: Db, actor: Actor, input: RegisterNodeInput): Promise<LegacyNode> {
  try {
    return await db.transaction(async (tx) => {
      const [owner] = await tx.select({ id: users.id }).from(users).where(eq(users.email, input.ownerEmail));
      if (!owner) throw new AppError("invalid_request", `No account has the email ${input.ownerEmail}.`);
      const node = await insertLegacyNode(tx, { ...input, ownerId: owner.id });
      await recordAudit(tx, actor, {
        action: "legacy.registered",
        outcome: "success",
        subjectUserId: owner.id,
        subjectDeviceId: node.deviceId,
        detail: { hardwareId: node.hardwareId, nodeId: node.id, model: node.model, name: input.name },
      });
      return node;
    });
  } catch (err) {
    if (violated(err, "legacy_nodes_hardware_id_key"))
      throw new AppError("conflict", `The hardware id ${input.hardwareId} is already registered.`);
    if (violated(err, "devices_owner_name_key"))
      throw new AppError("name_taken", `That account already has a device called “${input.name}”.`);
    throw err;
  }
}

export type ImportLine = { line: number; hardwareId: string; outcome: "registered" | "rejected"; reason?: string };

/**
 * Registers legacy nodes from CSV text (`hardware id, owner email, name`, an optional header),
 * line by line: each good line is registered on its own, each bad one reported with its reason.
 */
export async function importLegacyNodes(db: Db, actor: Actor, csv: string): Promise<ImportLine[]> {
  const lines = csv.split(/\r?\n/);
  const report: ImportLine[] = [];
  for (const [index, raw] of lines.entries()) {
    if (raw.trim() === "") continue;
    const line = index + 1;
    const fields = parseCsvLine(raw);
    if (index === 0 && fields && /^hardware/i.test(fields[0] ?? "")) continue;
    const hardwareId = (fields?.[0] ?? raw).slice(0, 64);
    if (!fields || fields.length !== 3) {
      report.push({
        line,
        hardwareId,
        outcome: "rejected",
        reason: "expected 3 fields: hardware id, owner email, name",
      });
      continue;
    }
    const parsed = registerNodeSchema.safeParse({ hardwareId: fields[0], ownerEmail: fields[1], name: fields[2] });
    if (!parsed.success) {
      const reason = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ");
      report.push({ line, hardwareId, outcome: "rejected", reason });
      continue;
    }
    try {
      await registerLegacyNode(db, actor, parsed.data);
      report.push({ line, hardwareId: parsed.data.hardwareId, outcome: "registered" });
    } catch (err) {
      if (!(err instanceof AppError) || err.status >= 500) throw err;
      report.push({ line, hardwareId: parsed.data.hardwareId, outcome: "rejected", reason: err.detail });
    }
  }
  await recordAudit(db, actor, {
    action: "legacy.imported",
    outcome: "success",
    detail: {
      registered: report.filter((r) => r.outcome === "registered").length,
      rejected: report.filter((r) => r.outcome === "rejected").length,
    },
  });
  return report;
}

/** Stops (or resumes) accepting data from one node; an upgraded node stays refused whatever this says. */
export async function setLegacyNodeDisabled(db: Db, actor: Actor, nodeId: string, disabled: boolean) {
  return db.transaction(async (tx) => {
    const [node] = await tx
      .update(legacyNodes)
      .set({ disabledAt: disabled ? sql`coalesce(${legacyNodes.disabledAt}, now())` : null })
      .where(eq(legacyNodes.id, nodeId))
      .returning();
    if (!node) throw new AppError("not_found", "No such legacy node.");
    await recordAudit(tx, actor, {
      action: disabled ? "legacy.disabled" : "legacy.enabled",
      outcome: "success",
      subjectDeviceId: node.deviceId,
      detail: { hardwareId: node.hardwareId, nodeId: node.id },
    });
    return node;
  });
}

/** "Accept any hardware id" (unknown nodes are registered to the staff member who switched it on) and the cut-off date. */
export async function setLegacySettings(db: Db, actor: Actor & { id: string }, input: LegacySettingsInput) {
  return db.transaction(async (tx) => {
    const before = await getDeviceSettings(tx);
    const cutoffAt = input.cutoffAt ? new Date(input.cutoffAt) : null;
    await updateDeviceSettings(tx, {
      legacyAcceptAny: input.acceptAny,
      legacyAcceptAnyOwnerId: input.acceptAny
        ? before.legacyAcceptAny
          ? before.legacyAcceptAnyOwnerId
          : actor.id
        : null,
      legacyCutoffAt: cutoffAt,
    });
    await recordAudit(tx, actor, {
      action: "legacy.settings_changed",
      outcome: "success",
      detail: {
        acceptAny: input.acceptAny,
        cutoffAt: cutoffAt?.toISOString() ?? null,
        before: { acceptAny: before.legacyAcceptAny, cutoffAt: before.legacyCutoffAt?.toISOString() ?? null },
      },
    });
    return getDeviceSettings(tx);
  });
}

/** A node as staff and the API see it: its credential's state, never its hash. */
export type LegacyNodeView = Omit<LegacyNode, "credentialHash"> & { credential: "none" | "active" | "revoked" };

export function legacyNodeView(node: LegacyNode): LegacyNodeView {
  const { credentialHash, ...rest } = node;
  const credential = !node.credentialIssuedAt ? "none" : credentialHash ? "active" : "revoked";
  return { ...rest, credential };
}

export type LegacyNodeRow = LegacyNodeView & { name: string; ownerEmail: string };

/** Every legacy node with its owner, newest first (at most 1000). */
export async function listLegacyNodes(db: Db): Promise<LegacyNodeRow[]> {
  const rows = await db
    .select({ node: legacyNodes, name: devices.name, ownerEmail: users.email })
    .from(legacyNodes)
    .innerJoin(devices, eq(devices.id, legacyNodes.deviceId))
    .innerJoin(users, eq(users.id, devices.ownerId))
    .orderBy(desc(legacyNodes.createdAt))
    .limit(1000);
  return rows.map((r) => ({ ...legacyNodeView(r.node), name: r.name, ownerEmail: r.ownerEmail }));
}

/** The legacy node whose history lives under `deviceId`, if it is one. */
export async function legacyNodeOfDevice(db: Db, deviceId: string): Promise<LegacyNode | null> {
  const [node] = await db.select().from(legacyNodes).where(eq(legacyNodes.deviceId, deviceId));
  return node ?? null;
}

/** Legacy nodes an owner could link a device to: theirs, not yet upgraded. */
export async function linkableLegacyNodes(db: Db, ownerId: string) {
  return db
    .select({ id: legacyNodes.id, hardwareId: legacyNodes.hardwareId, name: devices.name })
    .from(legacyNodes)
    .innerJoin(devices, eq(devices.id, legacyNodes.deviceId))
    .where(and(eq(devices.ownerId, ownerId), sql`${legacyNodes.upgradedAt} is null`))
    .orderBy(legacyNodes.hardwareId);
}

/** The device record `deviceId` when `ownerId` holds it and it was not released. */
export async function ownedRecord(db: Db, ownerId: string, deviceId: string) {
  return db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.ownerId, ownerId), sql`${devices.releasedAt} is null`));
}
