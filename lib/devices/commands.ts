import { and, asc, eq } from "drizzle-orm";
import { z } from "zod";
import { recordAudit, type Actor } from "../audit/record";
import { newId } from "../crypto/tokens";
import type { Db } from "../db/client";
import { deviceCommands, devices, type Device } from "../db/schema";
import { AppError } from "../http/errors";
import { parseOrThrow } from "../http/validate";

export type CommandType = "identify" | "reprovision" | "reboot" | "set_config";

const commandInputSchema = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("identify"), params: z.strictObject({}).default({}) }),
  z.strictObject({ type: z.literal("reprovision"), params: z.strictObject({}).default({}) }),
  z.strictObject({ type: z.literal("reboot"), params: z.strictObject({}).default({}) }),
  z.strictObject({ type: z.literal("set_config"), params: z.strictObject({ measurementIntervalSeconds: z.number().int().min(10).max(86_400) }) }),
]);

const ackSchema = z.strictObject({ status: z.enum(["done", "failed"]), detail: z.string().max(500).optional() });

/** Queues a command for a device; set_config also changes the configuration the device reads. */
export async function queueCommand(db: Db, actor: Actor, deviceId: string, input: unknown) {
  const cmd = parseOrThrow(commandInputSchema, input);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(deviceCommands).values({ id: newId("cmd"), deviceId, type: cmd.type, params: cmd.params, issuedBy: actor.id }).returning();
    if (cmd.type === "set_config") {
      await tx.update(devices).set({ measurementIntervalSeconds: cmd.params.measurementIntervalSeconds }).where(eq(devices.id, deviceId));
    }
    await recordAudit(tx, actor, { action: "command.issued", outcome: "success", subjectDeviceId: deviceId, detail: { commandId: row.id, type: cmd.type } });
    return row;
  });
}

/** What `GET /api/v1/devices/me` answers: identity, configuration and pending commands. */
export async function deviceProfile(db: Db, device: Device) {
  const pending = await db
    .select()
    .from(deviceCommands)
    .where(and(eq(deviceCommands.deviceId, device.id), eq(deviceCommands.status, "pending")))
    .orderBy(asc(deviceCommands.issuedAt));
  return {
    deviceId: device.id,
    name: device.name,
    config: { measurementIntervalSeconds: device.measurementIntervalSeconds },
    commands: pending.map((c) => ({ id: c.id, type: c.type, params: c.params, issuedAt: c.issuedAt.toISOString().replace(/\.\d{3}Z$/, "Z") })),
  };
}

/** The device reports a command's outcome. Repeating the same report is harmless; another device's command is not found. */
export async function acknowledgeCommand(db: Db, device: Device, commandId: string, input: unknown) {
  const ack = parseOrThrow(ackSchema, input);
  return db.transaction(async (tx) => {
    const [cmd] = await tx.select().from(deviceCommands).where(and(eq(deviceCommands.id, commandId), eq(deviceCommands.deviceId, device.id))).for("update");
    if (!cmd) throw new AppError("command_not_found", "No such command for this device.");
    if (cmd.status !== "pending") {
      if (cmd.status === ack.status) return { id: cmd.id, status: cmd.status };
      throw new AppError("conflict", `This command was already reported ${cmd.status}.`);
    }
    await tx.update(deviceCommands).set({ status: ack.status, detail: ack.detail ?? null, completedAt: new Date() }).where(eq(deviceCommands.id, cmd.id));
    await recordAudit(tx, { id: null, label: "device", ip: null }, {
      action: "command.completed",
      outcome: ack.status === "done" ? "success" : "failure",
      subjectDeviceId: device.id,
      detail: { commandId: cmd.id, type: cmd.type, status: ack.status, ...(ack.detail ? { detail: ack.detail } : {}) },
    });
    return { id: cmd.id, status: ack.status };
  });
}
