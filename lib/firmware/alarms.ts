import { and, desc, eq, isNull, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceCommands, devices } from "../db/schema";
import { AppError } from "../errors/app-error";

// A device that refused an update for `bad_signature` reports a serious fault (docs/protocol.md
// section 7, SECURITY.md): a command reached it whose image no pinned firmware key signed. Each
// is an alarm every staff page shows until a staff member acknowledges it (audited).

export type FirmwareAlarm = {
  commandId: string;
  deviceId: string;
  deviceName: string;
  model: string;
  version: string;
  detail: string | null;
  reportedAt: Date;
};

const open = and(eq(deviceCommands.failureCode, "bad_signature"), isNull(deviceCommands.alarmAckedAt));

/** The open alarms, newest first (at most `limit`), and how many there are in all. */
export async function openFirmwareAlarms(db: Db, limit = 20): Promise<{ total: number; alarms: FirmwareAlarm[] }> {
  const [rows, [count]] = await Promise.all([
    db
      .select({ c: deviceCommands, name: devices.name, model: devices.model })
      .from(deviceCommands)
      .innerJoin(devices, eq(devices.id, deviceCommands.deviceId))
      .where(open)
      .orderBy(desc(deviceCommands.completedAt))
      .limit(limit),
    db.select({ n: sql<number>`count(*)::int` }).from(deviceCommands).where(open),
  ]);
  return {
    total: Number(count?.n ?? 0),
    alarms: rows.map(({ c, name, model }) => ({
      commandId: c.id,
      deviceId: c.deviceId,
      deviceName: name,
      model,
      version: typeof (c.params as { version?: unknown }).version === "string" ? String(c.params.version) : "?",
      detail: c.detail,
      reportedAt: c.completedAt ?? c.issuedAt,
    })),
  };
}

/** Staff acknowledge one alarm: it leaves the banner, the command keeps its failure. Audited. */
export async function acknowledgeFirmwareAlarm(db: Db, actor: Actor, commandId: string) {
  return db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(deviceCommands)
      .where(and(eq(deviceCommands.id, commandId), eq(deviceCommands.failureCode, "bad_signature")))
      .for("update");
    if (!row) throw new AppError("command_not_found", "No firmware alarm for that command.");
    if (row.alarmAckedAt) return { commandId, acknowledgedAt: row.alarmAckedAt };
    const now = new Date();
    await tx
      .update(deviceCommands)
      .set({ alarmAckedAt: now, alarmAckedBy: actor.id })
      .where(eq(deviceCommands.id, commandId));
    await recordAudit(tx, actor, {
      action: "firmware.alarm_acknowledged",
      outcome: "success",
      subjectDeviceId: row.deviceId,
      detail: { commandId },
    });
    return { commandId, acknowledgedAt: now };
  });
}
