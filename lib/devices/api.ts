import type { SessionUser } from "../auth/config";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { AppError } from "../http/errors";
import { deviceIdSchema } from "../provisioning/schemas";
import { queueCommand } from "./commands";
import { listFleet } from "./fleet";
import { findDevice, releaseDevice, revokeDevice } from "./lifecycle";
import { deviceAuditTrail, getDeviceDetail, listMyDevices, measurementSeries, RANGES, renameDevice, type Range } from "./views";

// Device use cases for owners and staff, as the routes and pages call them.

export async function queueCommandRequest(actor: Actor, deviceId: string | undefined, body: unknown) {
  const { db } = await appDatabase();
  const id = deviceIdOrNotFound(deviceId);
  if (!(await findDevice(db, id))) throw new AppError("device_not_found", "No such device.");
  const c = await queueCommand(db, actor, id, body);
  return { id: c.id, type: c.type, params: c.params, issuedAt: c.issuedAt, status: c.status };
}

export async function revokeDeviceRequest(actor: Actor, deviceId: string | undefined) {
  const { db } = await appDatabase();
  return { revokedCredentials: await revokeDevice(db, actor, deviceIdOrNotFound(deviceId)) };
}

export async function releaseDeviceRequest(actor: Actor, user: SessionUser, deviceId: string | undefined) {
  const { db } = await appDatabase();
  await releaseDevice(db, { ...actor, id: user.id }, deviceIdOrNotFound(deviceId));
}

export async function myDevices(user: SessionUser) {
  const { db } = await appDatabase();
  return listMyDevices(db, user.id);
}

function deviceIdOrNotFound(deviceId: string | undefined): string {
  const id = deviceIdSchema.safeParse(deviceId);
  if (!id.success) throw new AppError("device_not_found", "No such device.");
  return id.data;
}

export async function myDevice(user: SessionUser, deviceId: string | undefined) {
  const { db } = await appDatabase();
  const id = deviceIdOrNotFound(deviceId);
  const [detail, audit] = await Promise.all([getDeviceDetail(db, user.id, id), deviceAuditTrail(db, user.id, id)]);
  return { ...detail, audit };
}

export async function renameMyDevice(actor: Actor, user: SessionUser, deviceId: string | undefined, body: unknown) {
  const { db } = await appDatabase();
  return renameDevice(db, { ...actor, id: user.id }, deviceIdOrNotFound(deviceId), body);
}

export async function myDeviceSeries(user: SessionUser, deviceId: string | undefined, range: string | null) {
  const { db } = await appDatabase();
  if (!range || !(range in RANGES)) throw new AppError("invalid_request", `range must be one of ${Object.keys(RANGES).join(", ")}.`);
  return { range, series: await measurementSeries(db, user.id, deviceIdOrNotFound(deviceId), range as Range) };
}

export async function fleet(q: string | undefined) {
  const { db } = await appDatabase();
  return listFleet(db, q?.trim().slice(0, 100) || undefined);
}
