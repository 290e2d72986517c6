import type { Db } from "../db/client";
import { latestCommands, type CommandStatus } from "./commands";
import { devicesWithLiveCredential } from "./credentials";
import { fleetPage, type FleetRow } from "./fleet-query";
import { MAX_FLEET_PAGE, type FleetPageQuery, type FleetSort } from "./schemas";
import { deviceStatus, legacyRecords, type DeviceStatus } from "./views";

export type FleetDevice = {
  id: string;
  name: string;
  model: string;
  firmware: string;
  ownerId: string;
  ownerEmail: string;
  status: DeviceStatus;
  lastCommand: { type: string; status: CommandStatus; issuedAt: Date } | null;
  lastSeenAt: Date | null;
  createdAt: Date;
  measurementIntervalSeconds: number;
  /** The study it was claimed for (docs/studies.md), or null. */
  studyId: string | null;
};

/** Rows of the fleet query with each device's status and newest command. */
export async function toFleetDevices(db: Db, rows: FleetRow[]): Promise<FleetDevice[]> {
  const ids = rows.map((r) => r.device.id);
  const [live, legacy, commands] = await Promise.all([
    devicesWithLiveCredential(db, ids),
    legacyRecords(db, ids),
    latestCommands(db, ids),
  ]);
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
    measurementIntervalSeconds: d.measurementIntervalSeconds,
    studyId: d.studyId,
  }));
}

/** One page of the staff's fleet list (filters, sort and cursor: fleet-query.ts). */
export async function listFleetPage(
  db: Db,
  q: FleetPageQuery,
): Promise<{ devices: FleetDevice[]; nextCursor: string | null; sort: FleetSort; dir: "asc" | "desc" }> {
  const { rows, ...page } = await fleetPage(db, q);
  return { ...page, devices: await toFleetDevices(db, rows) };
}

/** The first page of devices, most recently seen first; `q` matches the name, id, model or owner's email. */
export async function listFleet(db: Db, q?: string): Promise<FleetDevice[]> {
  return (await listFleetPage(db, { q, limit: MAX_FLEET_PAGE })).devices;
}
