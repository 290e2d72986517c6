import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound, notFound } from "../ids";
import { provisioningConfig } from "../provisioning/config";
import { queueCommand } from "./commands";
import { runBulkAction, bulkActionSchema, countBulkTargets } from "./bulk";
import { csvChunks } from "../csv";
import { listFleetPage } from "./fleet";
import { fleetSummary } from "./fleet-summary";
import { staffDeviceDetail } from "./staff-view";
import { transferDevice, transferInputSchema } from "./transfer";
import { findDevice, revokeDevice } from "./lifecycle";
import { noticeOwner } from "./notices";
import {
  commandInputSchema,
  fleetFilterSchema,
  fleetPageSchema,
  seriesQuerySchema,
  summaryQuerySchema,
} from "./schemas";
import { deviceSeries } from "./views";

// Staff's device requests (the fleet, its summary and CSV, bulk actions, one device's page,
// commands, revocation, transfer), as the routes and pages call them: each parses what the edge
// received and calls one use case with typed input.

export async function queueCommandRequest(actor: Actor, deviceId: string | undefined, body: unknown) {
  const id = idOrNotFound("dev", deviceId);
  const input = parseOrThrow(commandInputSchema, body);
  const { db } = await appDatabase();
  if (!(await findDevice(db, id))) throw notFound("dev");
  const c = await queueCommand(db, actor, id, input, provisioningConfig().commandTtlSeconds);
  return { id: c.id, type: c.type, params: c.params, issuedAt: c.issuedAt, expiresAt: c.expiresAt, status: c.status };
}

export async function revokeDeviceRequest(actor: Actor, deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  const revokedCredentials = await revokeDevice(db, actor, id);
  if (revokedCredentials.length > 0) void noticeOwner(db, env().publicUrl, id, "staff_revoked");
  return { revokedCredentials };
}

/** One page of the staff's fleet list: filters, sort and cursor (fleet-query.ts). */
export async function fleet(query: Record<string, unknown>) {
  const q = parseOrThrow(fleetPageSchema, query);
  const { db } = await appDatabase();
  return listFleetPage(db, q);
}

/** Counts over the filtered fleet (by status, model and firmware, never reported, silent). */
export async function fleetSummaryRequest(query: Record<string, unknown>) {
  const { silentHours, ...filter } = parseOrThrow(summaryQuerySchema, query);
  const { db } = await appDatabase();
  return fleetSummary(db, filter, silentHours);
}

/** How many devices a bulk action on this filter would reach: what the confirmation states. */
export async function bulkPreview(query: Record<string, unknown>) {
  const filter = parseOrThrow(fleetFilterSchema, query);
  const { db } = await appDatabase();
  return { count: await countBulkTargets(db, filter) };
}

export async function bulkActionRequest(actor: Actor, body: unknown) {
  const input = parseOrThrow(bulkActionSchema, body);
  const { db } = await appDatabase();
  return runBulkAction(db, actor, input, provisioningConfig().commandTtlSeconds);
}

export async function staffDevice(deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  return staffDeviceDetail(db, id);
}

export async function staffDeviceSeries(deviceId: string | undefined, query: Record<string, string>) {
  const id = idOrNotFound("dev", deviceId);
  const { range } = parseOrThrow(seriesQuerySchema, query);
  const { db } = await appDatabase();
  const device = await findDevice(db, id);
  if (!device) throw notFound("dev");
  return { range, series: await deviceSeries(db, device, range) };
}

export async function transferDeviceRequest(actor: Actor, deviceId: string | undefined, body: unknown) {
  const id = idOrNotFound("dev", deviceId);
  const input = parseOrThrow(transferInputSchema, body);
  const { db } = await appDatabase();
  return transferDevice(db, actor, id, input);
}

/** The filtered fleet as CSV chunks, in the list's order, read 200 devices at a time. */
export async function fleetCsv(query: Record<string, unknown>) {
  const q = parseOrThrow(fleetPageSchema.omit({ cursor: true, limit: true }), query);
  const { db } = await appDatabase();
  async function* pages() {
    let cursor: string | undefined;
    do {
      const page = await listFleetPage(db, { ...q, cursor, limit: 200 });
      yield page.devices;
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return csvChunks(
    [
      "id",
      "name",
      "model",
      "firmware",
      "owner_id",
      "owner_email",
      "status",
      "last_seen_at",
      "created_at",
      "measurement_interval_seconds",
      "last_command",
      "last_command_status",
    ],
    pages(),
    (d) => [
      d.id,
      d.name,
      d.model,
      d.firmware,
      d.ownerId,
      d.ownerEmail,
      d.status,
      d.lastSeenAt,
      d.createdAt,
      d.measurementIntervalSeconds,
      d.lastCommand?.type,
      d.lastCommand?.status,
    ],
  );
}
