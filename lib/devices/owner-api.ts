import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { appDatabase } from "../db/client";
import { env } from "../env";
import { parseOrThrow } from "../errors/validate";
import { idOrNotFound } from "../ids";
import { mailEnabled } from "../mail/send";
import { provisioningConfig } from "../provisioning/config";
import { firmwareHistory } from "../firmware/history";
import { getOwnedDevice, releaseDevice, reportDeviceLost } from "./lifecycle";
import { NOTICE_KINDS, NOTICE_LABELS, noticePreferences, setNoticePreferences, sharedNotice } from "./notices";
import { sendOwnerCommand } from "./owner-commands";
import { endShare, listShares, shareDevice } from "./shares";
import { renameDevice } from "./naming";
import {
  deviceNameSchema,
  noticePreferencesSchema,
  ownerCommandSchema,
  seriesQuerySchema,
  shareInputSchema,
} from "./schemas";
import { deviceAuditTrail, getDeviceDetail, listMyDevices, measurementSeries } from "./views";

// The device requests of a signed-in owner (or a viewer a device is shared with), as the routes
// and pages call them: each parses what the edge received and calls one use case with typed
// input. A device that is not the person's answers `device_not_found`.

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

/** The device a "Claim a replacement" link names, if it is the person's own (else null): the claim page names it. */
export async function replaceableDevice(user: SessionUser, deviceId: string) {
  const { db } = await appDatabase();
  const d = await getOwnedDevice(db, user.id, deviceId).catch(() => null);
  return d ? { id: d.id, name: d.name, model: d.model } : null;
}
