import { desc, eq, ilike, or, sql } from "drizzle-orm";
import type { Db } from "../db/client";
import { containsPattern } from "../db/search";
import { devices, users } from "../db/schema";
import { latestCommands, type CommandStatus } from "./commands";
import { devicesWithLiveCredential } from "./credentials";
import { deviceStatus, legacyRecords, type DeviceStatus } from "./views";

export type FleetDevice = {
  id: string;
  name: string;
  model: string;
  firmware: string;
  ownerId: string;
  ownerEmail: string;
  status: DeviceStatus | "released";
  lastCommand: { type: string; status: CommandStatus; issuedAt: Date } | null;
  lastSeenAt: Date | null;
  createdAt: Date;
};

/** Every device for staff, most recently seen first (never seen last); `q` matches the name, id, model or owner's email. */
export async function listFleet(db: Db, q?: string): Promise<FleetDevice[]> {
  const pattern = containsPattern(q);
  const rows = await db
    .select({ device: devices, ownerEmail: users.email })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(
      pattern
        ? or(
            ilike(devices.name, pattern),
            ilike(devices.id, pattern),
            ilike(devices.model, pattern),
            ilike(users.email, pattern),
          )
        : undefined,
    )
    .orderBy(sql`${devices.lastSeenAt} desc nulls last`, desc(devices.createdAt))
    .limit(500);
  const live = await devicesWithLiveCredential(
    db,
    rows.map((r) => r.device.id),
  );
  const legacy = await legacyRecords(
    db,
    rows.map((r) => r.device.id),
  );
  const commands = await latestCommands(
    db,
    rows.map((r) => r.device.id),
  );
  return rows.map(({ device: d, ownerEmail }) => ({
    id: d.id,
    name: d.name,
    model: d.model,
    firmware: d.firmware,
    ownerId: d.ownerId,
    ownerEmail,
    status: d.releasedAt ? "released" : legacy.has(d.id) ? "legacy" : deviceStatus(d, live.has(d.id)),
    lastCommand: commands.get(d.id) ?? null,
    lastSeenAt: d.lastSeenAt,
    createdAt: d.createdAt,
  }));
}
