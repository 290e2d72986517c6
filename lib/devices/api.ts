import type { SessionUser } from "../auth/config";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound, notFound } from "../ids";
import { provisioningConfig } from "../provisioning/config";
import { queueCommand } from "./commands";
import { listFleet } from "./fleet";
import { findDevice, releaseDevice, revokeDevice } from "./lifecycle";
import { renameDevice } from "./naming";
import { commandInputSchema, deviceNameSchema, fleetQuerySchema, seriesQuerySchema } from "./schemas";
import { deviceAuditTrail, getDeviceDetail, listMyDevices, measurementSeries } from "./views";

// Device use cases for owners and staff, as the routes and pages call them: each parses what
// the edge received and calls one use case with typed input.

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
  return { revokedCredentials: await revokeDevice(db, actor, id) };
}

export async function releaseDeviceRequest(actor: Actor, user: SessionUser, deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  await releaseDevice(db, { ...actor, id: user.id }, id);
}

export async function myDevices(user: SessionUser) {
  const { db } = await appDatabase();
  return listMyDevices(db, user.id);
}

export async function myDevice(user: SessionUser, deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  const [detail, audit] = await Promise.all([getDeviceDetail(db, user.id, id), deviceAuditTrail(db, user.id, id)]);
  return { ...detail, audit };
}

export async function renameMyDevice(actor: Actor, user: SessionUser, deviceId: string | undefined, body: unknown) {
  const id = idOrNotFound("dev", deviceId);
  const input = parseOrThrow(deviceNameSchema, body);
  const { db } = await appDatabase();
  return renameDevice(db, { ...actor, id: user.id }, id, input);
}

export async function myDeviceSeries(user: SessionUser, deviceId: string | undefined, query: Record<string, string>) {
  const id = idOrNotFound("dev", deviceId);
  const { range } = parseOrThrow(seriesQuerySchema, query);
  const { db } = await appDatabase();
  return { range, series: await measurementSeries(db, user.id, id, range) };
}

/** The staff's fleet list; `q` searches names, ids, models and owners' emails. */
export async function fleet(query: { q?: string }) {
  const { q } = parseOrThrow(fleetQuerySchema, query);
  const { db } = await appDatabase();
  return listFleet(db, q);
}
