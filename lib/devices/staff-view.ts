import { desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { deviceCommands, deviceCredentials, devices, studies, users } from "../db/schema";
import { AppError } from "../errors/app-error";
import { firmwareHistory } from "../firmware/history";
import { listFirmwareImages } from "../firmware/images";
import { commandStatus } from "./commands";
import { latestMeasurements } from "./measurements";
import { listShares } from "./shares";
import { deviceEvents, deviceStatus } from "./views";

/**
 * Everything staff see of one device, whoever owns it: what the owner sees (values, status,
 * activity) plus every credential it held, its commands with their status, the owner, the
 * accounts it is shared with (viewers) and the full audit trail. `device_not_found` for an unknown id.
 */
export async function staffDeviceDetail(db: Db, deviceId: string) {
  const [row] = await db
    .select({ device: devices, owner: { id: users.id, email: users.email, name: users.name } })
    .from(devices)
    .innerJoin(users, eq(users.id, devices.ownerId))
    .where(eq(devices.id, deviceId));
  if (!row) throw new AppError("device_not_found", "No such device.");
  const d = row.device;
  const [credentials, commands, audit, latest, viewers, firmwareUpdates, images] = await Promise.all([
    db
      .select({
        id: deviceCredentials.id,
        createdAt: deviceCredentials.createdAt,
        lastUsedAt: deviceCredentials.lastUsedAt,
        revokedAt: deviceCredentials.revokedAt,
        revokedReason: deviceCredentials.revokedReason,
      })
      .from(deviceCredentials)
      .where(eq(deviceCredentials.deviceId, d.id))
      .orderBy(desc(deviceCredentials.createdAt)),
    db
      .select()
      .from(deviceCommands)
      .where(eq(deviceCommands.deviceId, d.id))
      .orderBy(desc(deviceCommands.issuedAt))
      .limit(50),
    deviceEvents(db, d.id),
    latestMeasurements(db, d.id),
    listShares(db, d.id),
    firmwareHistory(db, d.id),
    listFirmwareImages(db, d.model, { usableOnly: true }),
  ]);
  const hasLive = credentials.some((c) => c.revokedAt === null);
  const [study] = d.studyId
    ? await db.select({ id: studies.id, name: studies.name }).from(studies).where(eq(studies.id, d.studyId))
    : [];
  return {
    id: d.id,
    name: d.name,
    model: d.model,
    firmware: d.firmware,
    createdAt: d.createdAt,
    lastSeenAt: d.lastSeenAt,
    releasedAt: d.releasedAt,
    measurementIntervalSeconds: d.measurementIntervalSeconds,
    status: d.releasedAt ? ("released" as const) : deviceStatus(d, hasLive),
    owner: row.owner,
    /** The study it was claimed for (docs/studies.md). */
    study: study ? { id: study.id, name: study.name.en ?? study.name.nl ?? study.id } : null,
    viewers,
    latest,
    credentials,
    commands: commands.map((c) => ({
      id: c.id,
      type: c.type,
      params: c.params,
      issuedAt: c.issuedAt,
      expiresAt: c.expiresAt,
      completedAt: c.completedAt,
      detail: c.detail,
      status: commandStatus(c),
    })),
    audit,
    /** (1.2) Its firmware updates, newest first, and the images of its model staff may send it. */
    firmwareUpdates,
    firmwareImages: images.map((i) => ({ sha256: i.sha256, version: i.version })),
  };
}
export type StaffDeviceDetail = Awaited<ReturnType<typeof staffDeviceDetail>>;
