import { and, desc, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { deviceCommands } from "../db/schema";
import { commandStatus, type CommandStatus } from "../devices/commands";

// A device's firmware updates as its staff and owner pages show them (docs/protocol.md section 7):
// from which version to which, how each ended, and the code of a failure.

export type FirmwareUpdateEntry = {
  commandId: string;
  fromVersion: string | null;
  toVersion: string;
  status: CommandStatus;
  /** The code of a failure (hash_mismatch, rolled_back, ...), `expired` when it ended unacknowledged. */
  failureCode: string | null;
  detail: string | null;
  progress: string | null;
  progressAt: Date | null;
  /** The version the device reported running in its acknowledgement. */
  reportedFirmware: string | null;
  rolloutId: string | null;
  issuedAt: Date;
  expiresAt: Date;
  completedAt: Date | null;
  /** A bad_signature report not yet acknowledged by staff. */
  alarmOpen: boolean;
};

type Row = typeof deviceCommands.$inferSelect;

export function updateEntry(c: Row, now = Date.now()): FirmwareUpdateEntry {
  const status = commandStatus(c, now);
  const params = c.params as { version?: unknown };
  return {
    commandId: c.id,
    fromVersion: c.fromFirmware,
    toVersion: typeof params.version === "string" ? params.version : "?",
    status,
    failureCode: c.failureCode ?? (status === "expired" ? "expired" : null),
    detail: c.detail,
    progress: c.progress,
    progressAt: c.progressAt,
    reportedFirmware: c.reportedFirmware,
    rolloutId: c.rolloutId,
    issuedAt: c.issuedAt,
    expiresAt: c.expiresAt,
    completedAt: c.completedAt,
    alarmOpen: c.failureCode === "bad_signature" && c.alarmAckedAt === null,
  };
}

/** The newest `limit` firmware updates of one device, newest first. */
export async function firmwareHistory(db: Db, deviceId: string, limit = 50): Promise<FirmwareUpdateEntry[]> {
  const rows = await db
    .select()
    .from(deviceCommands)
    .where(and(eq(deviceCommands.deviceId, deviceId), eq(deviceCommands.type, "update_firmware")))
    .orderBy(desc(deviceCommands.issuedAt))
    .limit(limit);
  const now = Date.now();
  return rows.map((r) => updateEntry(r, now));
}

