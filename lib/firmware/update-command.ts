import { and, eq, inArray, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { deviceCommands, deviceCredentials, devices } from "../db/schema";
import { OPEN_COMMAND_STATUSES } from "../devices/commands";
import { AppError } from "../errors/app-error";
import { newId } from "../ids";
import { firmwareImageUrl, requireUsableImage } from "./images";

// The update command of docs/protocol.md section 7: one device, one image, an expiry chosen by
// staff (at most 30 days). The server never sends an image of another model than the device's,
// a yanked image, or an update to a device that is not active. The caller audits (a staff send,
// a rollout stage) inside the same transaction.

/** An update command may wait at most this long for its device (section 7). */
export const MAX_UPDATE_EXPIRY_SECONDS = 30 * 86_400;

import type { UpdateParams } from "../../device/firmware-update";

export type { UpdateParams };

export type IssueFirmwareUpdate = {
  deviceId: string;
  /** The image's SHA-256, hex lower case (firmware_images.sha256). */
  sha256: string;
  expiresAt: Date;
  /** The account that sent it (a staff member, or the one who started the rollout); null for the system. */
  issuedBy: string | null;
  rolloutId?: string | null;
};

/**
 * Queues an `update_firmware` command inside the caller's transaction and returns its id.
 * Refuses, changing nothing: `firmware_not_found`, `firmware_yanked`,
 * `firmware_model_mismatch` (the image is for another model), `device_not_found`,
 * `device_not_active` (released, lost or without a live credential), `firmware_update_open`
 * (an update for this device is still open), `invalid_request` (expiry past or beyond 30 days).
 */
export async function issueFirmwareUpdate(tx: Db, input: IssueFirmwareUpdate): Promise<{ commandId: string }> {
  const now = Date.now();
  const expiry = input.expiresAt.getTime();
  if (!Number.isFinite(expiry) || expiry <= now) {
    throw new AppError("invalid_request", "The expiry must be in the future.", {
      errors: [{ path: "expiresAt", message: "must be in the future" }],
    });
  }
  if (expiry > now + MAX_UPDATE_EXPIRY_SECONDS * 1000) {
    throw new AppError("invalid_request", "An update command expires at most 30 days after it is sent.", {
      errors: [{ path: "expiresAt", message: "must be at most 30 days ahead" }],
    });
  }
  // Locked FOR SHARE until the transaction ends: a yank cannot slip in before the command is written.
  const image = await requireUsableImage(tx, input.sha256);
  // The device row is locked so two senders cannot both queue an update for it.
  const [device] = await tx.select().from(devices).where(eq(devices.id, input.deviceId)).for("update");
  if (!device) throw new AppError("device_not_found", "No such device.");
  if (device.model !== image.model) {
    throw new AppError("firmware_model_mismatch", `This image is for ${image.model}; the device is a ${device.model}.`);
  }
  if (device.releasedAt || device.lostAt) {
    throw new AppError("device_not_active", "The device was released or reported lost; it gets no updates.");
  }
  const [live] = await tx
    .select({ id: deviceCredentials.id })
    .from(deviceCredentials)
    .where(and(eq(deviceCredentials.deviceId, device.id), isNull(deviceCredentials.revokedAt)))
    .limit(1);
  if (!live) throw new AppError("device_not_active", "The device holds no live credential; it gets no updates.");
  const [open] = await tx
    .select({ id: deviceCommands.id, expiresAt: deviceCommands.expiresAt })
    .from(deviceCommands)
    .where(
      and(
        eq(deviceCommands.deviceId, device.id),
        eq(deviceCommands.type, "update_firmware"),
        inArray(deviceCommands.status, [...OPEN_COMMAND_STATUSES]),
      ),
    );
  if (open && open.expiresAt.getTime() > now) {
    throw new AppError("firmware_update_open", "An update for this device is still open; wait for it to end.");
  }
  const params: UpdateParams = {
    model: image.model,
    version: image.version,
    size: image.size,
    sha256: image.sha256,
    kid: image.kid,
    sig: image.sig,
    url: firmwareImageUrl(image.sha256),
  };
  const id = newId("cmd");
  await tx.insert(deviceCommands).values({
    id,
    deviceId: device.id,
    type: "update_firmware",
    params,
    issuedBy: input.issuedBy,
    issuedAt: new Date(now),
    expiresAt: input.expiresAt,
    rolloutId: input.rolloutId ?? null,
    fromFirmware: device.firmware,
  });
  return { commandId: id };
}
