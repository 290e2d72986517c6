import { and, asc, desc, eq, gt, inArray, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import { newId } from "../ids";
import type { Db } from "../db/client";
import { deviceCommands, devices, type Device, type DeviceCommand } from "../db/schema";
import { AppError } from "../errors/app-error";
import { toRfc3339 } from "../format";
import { enqueueWebhookEvent } from "../webhooks/events";
import type { CommandAck, CommandInput } from "./schemas";

export type CommandStatus = "queued" | "in_progress" | "done" | "failed" | "expired";

/** Statuses of a command still open: listed to its device until it expires (in_progress: 1.2, section 7). */
export const OPEN_COMMAND_STATUSES = ["pending", "in_progress"] as const;

/** How staff see a command: an open one past its expiry is `expired` (docs/protocol.md section 4). */
export function commandStatus(c: Pick<DeviceCommand, "status" | "expiresAt">, now = Date.now()): CommandStatus {
  if (c.status === "done" || c.status === "failed") return c.status;
  if (c.expiresAt.getTime() <= now) return "expired";
  return c.status === "pending" ? "queued" : "in_progress";
}

/**
 * Queues a command for a device, delivered until it is acknowledged or `ttlSeconds` pass
 * (COMMAND_TTL); set_config also changes the configuration the device reads.
 */
export async function queueCommand(db: Db, actor: Actor, deviceId: string, cmd: CommandInput, ttlSeconds: number) {
  return db.transaction(async (tx) => {
    const [row] = await insertCommands(tx, actor, [deviceId], cmd, ttlSeconds);
    await recordAudit(tx, actor, {
      action: "command.issued",
      outcome: "success",
      subjectDeviceId: deviceId,
      detail: { commandId: row.id, type: cmd.type },
    });
    return row;
  });
}

/**
 * Queues one command for each of `deviceIds` inside the caller's transaction (which audits it),
 * expiring after `ttlSeconds`; set_config also changes the configuration those devices read.
 */
export async function insertCommands(tx: Db, actor: Actor, deviceIds: string[], cmd: CommandInput, ttlSeconds: number) {
  const issuedAt = new Date();
  const expiresAt = new Date(issuedAt.getTime() + ttlSeconds * 1000);
  const rows: DeviceCommand[] = [];
  for (let i = 0; i < deviceIds.length; i += 500) {
    rows.push(
      ...(await tx
        .insert(deviceCommands)
        .values(
          deviceIds.slice(i, i + 500).map((deviceId) => ({
            id: newId("cmd"),
            deviceId,
            type: cmd.type,
            params: cmd.params,
            issuedBy: actor.id,
            issuedAt,
            expiresAt,
          })),
        )
        .returning()),
    );
  }
  if (cmd.type === "set_config" && deviceIds.length > 0) {
    await tx
      .update(devices)
      .set({ measurementIntervalSeconds: cmd.params.measurementIntervalSeconds })
      .where(inArray(devices.id, deviceIds));
  }
  return rows;
}

/** What `GET /api/v1/devices/me` answers: identity, configuration and pending commands not yet expired. */
/**
 * The pending commands of `deviceId` as one JSON column (for a statement that also does other
 * work: lib/devices/device-api.ts): what `deviceProfile` reads, in its order and its format.
 */
export function pendingCommandsColumn(deviceId: unknown) {
  const rfc3339 = (c: string) => sql.raw(`to_char(${c} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')`);
  return sql`(select coalesce(json_agg(json_build_object(
      'id', id, 'type', type, 'params', params,
      'issuedAt', ${rfc3339("issued_at")}, 'expiresAt', ${rfc3339("expires_at")}) order by issued_at, id), '[]')
    from device_commands
    where device_id = ${deviceId} and status in ('pending', 'in_progress') and expires_at > now())`;
}

/** The profile from `pendingCommandsColumn`'s value. */
export function profileFrom(device: Device, commands: unknown) {
  return {
    deviceId: device.id,
    name: device.name,
    config: { measurementIntervalSeconds: device.measurementIntervalSeconds },
    commands: (typeof commands === "string" ? JSON.parse(commands) : commands) as {
      id: string;
      type: string;
      params: Record<string, unknown>;
      issuedAt: string;
      expiresAt: string;
    }[],
  };
}

export async function deviceProfile(db: Db, device: Device) {
  const pending = await db
    .select()
    .from(deviceCommands)
    .where(
      and(
        eq(deviceCommands.deviceId, device.id),
        inArray(deviceCommands.status, [...OPEN_COMMAND_STATUSES]),
        gt(deviceCommands.expiresAt, sql`now()`),
      ),
    )
    .orderBy(asc(deviceCommands.issuedAt), asc(deviceCommands.id));
  return {
    deviceId: device.id,
    name: device.name,
    config: { measurementIntervalSeconds: device.measurementIntervalSeconds },
    commands: pending.map((c) => ({
      id: c.id,
      type: c.type,
      params: c.params,
      issuedAt: toRfc3339(c.issuedAt),
      expiresAt: toRfc3339(c.expiresAt),
    })),
  };
}

/** The code before ':' of a failed acknowledgement's detail ("hash_mismatch: ..."), if it looks like one. */
export function failureCodeOf(detail: string | null | undefined): string | null {
  const m = /^([a-z][a-z0-9_]{0,31})(?::|$)/.exec(detail ?? "");
  return m ? m[1] : null;
}

/** The version the device says it runs now (section 7: `firmware` in an acknowledgement). */
async function recordRunningFirmware(tx: Db, device: Device, firmware: string | undefined) {
  if (firmware !== undefined && firmware !== device.firmware) {
    await tx.update(devices).set({ firmware }).where(eq(devices.id, device.id));
  }
}

const DEVICE_ACTOR: Actor = { id: null, label: "device", ip: null };

/**
 * The device reports a command's outcome. Repeating the same report is harmless; another
 * device's command is not found. (1.2) `in_progress` keeps the command open and listed;
 * after done or failed it is `command_settled`. `firmware` in a report becomes the device's
 * running firmware; a failure's code is kept, and a `bad_signature` update failure is an alarm.
 */
export async function acknowledgeCommand(db: Db, device: Device, commandId: string, ack: CommandAck) {
  return db.transaction(async (tx) => {
    const [cmd] = await tx
      .select()
      .from(deviceCommands)
      .where(and(eq(deviceCommands.id, commandId), eq(deviceCommands.deviceId, device.id)))
      .for("update");
    if (!cmd) throw new AppError("command_not_found", "No such command for this device.");
    if (cmd.status === "done" || cmd.status === "failed") {
      if (cmd.status === ack.status) return { id: cmd.id, status: cmd.status };
      if (ack.status === "in_progress") {
        throw new AppError(
          "command_settled",
          `This command was already reported ${cmd.status}; it takes no more progress.`,
        );
      }
      throw new AppError("conflict", `This command was already reported ${cmd.status}.`);
    }
    if (commandStatus(cmd) === "expired") {
      throw new AppError("command_expired", "This command expired before it was acknowledged; it was not carried out.");
    }
    const now = new Date();
    if (ack.status === "in_progress") {
      await tx
        .update(deviceCommands)
        .set({ status: "in_progress", progress: ack.detail ?? null, progressAt: now })
        .where(eq(deviceCommands.id, cmd.id));
      await recordRunningFirmware(tx, device, ack.firmware);
      if (cmd.status === "pending") {
        await recordAudit(tx, DEVICE_ACTOR, {
          action: "command.started",
          outcome: "success",
          subjectDeviceId: device.id,
          detail: { commandId: cmd.id, type: cmd.type },
        });
      }
      return { id: cmd.id, status: ack.status };
    }
    // The code of section 7's refusals, for the update history and rollouts' failure counts.
    const failureCode = ack.status === "failed" && cmd.type === "update_firmware" ? failureCodeOf(ack.detail) : null;
    await tx
      .update(deviceCommands)
      .set({
        status: ack.status,
        detail: ack.detail ?? null,
        completedAt: now,
        failureCode,
        reportedFirmware: ack.firmware ?? null,
      })
      .where(eq(deviceCommands.id, cmd.id));
    await recordRunningFirmware(tx, device, ack.firmware);
    await recordAudit(tx, DEVICE_ACTOR, {
      action: "command.completed",
      outcome: ack.status === "done" ? "success" : "failure",
      subjectDeviceId: device.id,
      detail: {
        commandId: cmd.id,
        type: cmd.type,
        status: ack.status,
        ...(ack.detail ? { detail: ack.detail } : {}),
        ...(failureCode ? { failureCode } : {}),
        ...(ack.firmware ? { firmware: ack.firmware } : {}),
      },
    });
    if (cmd.type === "update_firmware" && ack.status === "failed") {
      // docs/integrations.md "Webhooks": systems told of events hear of a failed update at once.
      await enqueueWebhookEvent(tx, "firmware.update_failed", {
        deviceId: device.id,
        fromVersion: cmd.fromFirmware ?? null,
        toVersion: String(cmd.params.version ?? ""),
        reason: failureCode ?? "failed",
      });
    }
    if (cmd.type === "update_firmware" && failureCode === "bad_signature") {
      // SECURITY.md: the command reached the device with a signature no pinned firmware key made.
      // Not capped: one event per command, and each is an alarm staff must see.
      await recordAudit(tx, DEVICE_ACTOR, {
        action: "firmware.bad_signature",
        outcome: "failure",
        subjectDeviceId: device.id,
        detail: { commandId: cmd.id, params: cmd.params, detail: ack.detail ?? null },
      });
    }
    return { id: cmd.id, status: ack.status };
  });
}

/** The newest command of each device, with the status staff see. */
export async function latestCommands(db: Db, deviceIds: string[]) {
  if (deviceIds.length === 0) return new Map<string, { type: string; status: CommandStatus; issuedAt: Date }>();
  const rows = await db
    .selectDistinctOn([deviceCommands.deviceId])
    .from(deviceCommands)
    .where(inArray(deviceCommands.deviceId, deviceIds))
    .orderBy(deviceCommands.deviceId, desc(deviceCommands.issuedAt));
  return new Map(rows.map((c) => [c.deviceId, { type: c.type, status: commandStatus(c), issuedAt: c.issuedAt }]));
}
