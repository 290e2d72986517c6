import type { SessionUser } from "../auth/config";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound, notFound } from "../ids";
import { mailEnabled } from "../mail/send";
import { provisioningConfig } from "../provisioning/config";
import { queueCommand } from "./commands";
import { runBulkAction, bulkActionSchema, countBulkTargets } from "./bulk";
import { csvChunks } from "../csv";
import { listFleetPage } from "./fleet";
import { fleetSummary } from "./fleet-summary";
import { firmwareHistory } from "../firmware/history";
import { staffDeviceDetail } from "./staff-view";
import { transferDevice, transferInputSchema } from "./transfer";
import { findDevice, getOwnedDevice, releaseDevice, reportDeviceLost, revokeDevice } from "./lifecycle";
import {
  NOTICE_KINDS,
  NOTICE_LABELS,
  noticeOwner,
  noticePreferences,
  noticePreferencesSchema,
  setNoticePreferences,
  sharedNotice,
} from "./notices";
import { sendOwnerCommand } from "./owner-commands";
import { endShare, listShares, shareDevice } from "./shares";
import { renameDevice } from "./naming";
import {
  commandInputSchema,
  deviceNameSchema,
  fleetFilterSchema,
  fleetPageSchema,
  ownerCommandSchema,
  seriesQuerySchema,
  shareInputSchema,
  summaryQuerySchema,
} from "./schemas";
import { deviceAuditTrail, deviceSeries, getDeviceDetail, listMyDevices, measurementSeries } from "./views";

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
  const revokedCredentials = await revokeDevice(db, actor, id);
  if (revokedCredentials.length > 0) void noticeOwner(db, env().publicUrl, id, "staff_revoked");
  return { revokedCredentials };
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

/** One device as an API token or a script reads it: the device and its latest values, no activity or shares. */
export async function myDeviceView(user: SessionUser, deviceId: string | undefined) {
  const { db } = await appDatabase();
  return getDeviceDetail(db, user.id, idOrNotFound("dev", deviceId));
}

/** A device page's data: the device, and for its owner its activity and shares. */
export async function myDevice(user: SessionUser, deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  const detail = await getDeviceDetail(db, user.id, id);
  const owner = detail.role === "owner";
  const [audit, shares, firmwareUpdates] = await Promise.all([
    owner ? deviceAuditTrail(db, user.id, id) : [],
    owner && !detail.releasedAt ? listShares(db, id) : [],
    owner ? firmwareHistory(db, id, 20) : [],
  ]);
  const e = env();
  const intervalLimits = {
    minSeconds: e.CLAIMLINK_OWNER_INTERVAL_MIN_SECONDS,
    maxSeconds: e.CLAIMLINK_OWNER_INTERVAL_MAX_SECONDS,
  };
  return { ...detail, audit, shares, intervalLimits, firmwareUpdates };
}

export async function reportLostRequest(actor: Actor, user: SessionUser, deviceId: string | undefined) {
  const id = idOrNotFound("dev", deviceId);
  const { db } = await appDatabase();
  const d = await reportDeviceLost(db, { ...actor, id: user.id }, id);
  return { id: d.id, lostAt: d.lostAt };
}

export async function ownerCommandRequest(
  actor: Actor,
  user: SessionUser,
  deviceId: string | undefined,
  body: unknown,
) {
  const id = idOrNotFound("dev", deviceId);
  const input = parseOrThrow(ownerCommandSchema, body);
  const { db } = await appDatabase();
  const e = env();
  const c = await sendOwnerCommand(
    db,
    { ...actor, id: user.id },
    id,
    input,
    { minSeconds: e.CLAIMLINK_OWNER_INTERVAL_MIN_SECONDS, maxSeconds: e.CLAIMLINK_OWNER_INTERVAL_MAX_SECONDS },
    provisioningConfig().commandTtlSeconds,
  );
  return { id: c.id, type: c.type, params: c.params, issuedAt: c.issuedAt, expiresAt: c.expiresAt };
}

export async function shareDeviceRequest(actor: Actor, user: SessionUser, deviceId: string | undefined, body: unknown) {
  const id = idOrNotFound("dev", deviceId);
  const { email } = parseOrThrow(shareInputSchema, body);
  const { db } = await appDatabase();
  const { share, device, viewer } = await shareDevice(db, { ...actor, id: user.id }, id, email);
  void sharedNotice(env().publicUrl, viewer, user.name, device);
  return { id: share.id, email: viewer.email, name: viewer.name, createdAt: share.createdAt };
}

export async function endShareRequest(
  actor: Actor,
  user: SessionUser,
  deviceId: string | undefined,
  shareId: string | undefined,
) {
  const id = idOrNotFound("dev", deviceId);
  const sid = idOrNotFound("shr", shareId);
  const { db } = await appDatabase();
  await endShare(db, { ...actor, id: user.id }, id, sid);
}

/** The account page's notice settings: each kind with its label and whether it is on. */
export async function myNotices(user: SessionUser) {
  const { db } = await appDatabase();
  const prefs = await noticePreferences(db, user.id);
  return {
    mailEnabled: mailEnabled(),
    kinds: NOTICE_KINDS.map((kind) => ({ kind, label: NOTICE_LABELS[kind], on: prefs[kind] })),
  };
}

export async function setMyNotices(actor: Actor, user: SessionUser, body: unknown) {
  const { off } = parseOrThrow(noticePreferencesSchema, body);
  const { db } = await appDatabase();
  return setNoticePreferences(db, { ...actor, id: user.id }, off);
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

/** The device a "Claim a replacement" link names, if it is the person's own (else null): the claim page names it. */
export async function replaceableDevice(user: SessionUser, deviceId: string) {
  const { db } = await appDatabase();
  const d = await getOwnedDevice(db, user.id, deviceId).catch(() => null);
  return d ? { id: d.id, name: d.name, model: d.model } : null;
}
