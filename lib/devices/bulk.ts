import { z } from "zod";
import { and, inArray, isNull } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceCredentials } from "../db/schema";
import { AppError } from "../errors/app-error";
import { selectFleetIds } from "./fleet-query";
import { fleetFilterShape, type FleetFilter } from "./schemas";
import { insertCommands } from "./commands";
import { commandInputSchema } from "./schemas";

// Bulk actions on a filtered selection of the fleet. The person confirms a count; the action
// runs only if the filter still selects exactly that many devices, in one transaction with one
// audit event naming the action, the filter and every device it reached.

/** The most devices one bulk action may reach (the audit event lists them all). */
export const MAX_BULK_DEVICES = 5000;

export const bulkActionSchema = z.strictObject({
  filter: z.strictObject(fleetFilterShape).default({}),
  action: z.discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("command"), command: commandInputSchema }),
    z.strictObject({ kind: z.literal("revoke") }),
  ]),
  /** The count the confirmation showed. */
  expectedCount: z.number().int().min(1).max(MAX_BULK_DEVICES),
});
export type BulkAction = z.infer<typeof bulkActionSchema>;

/** How many devices a filter reaches (released ones excluded), as the confirmation states it. */
export async function countBulkTargets(db: Db, filter: FleetFilter): Promise<number> {
  return (await selectFleetIds(db, filter, MAX_BULK_DEVICES + 1)).length;
}

/**
 * Runs a bulk action on the devices `filter` selects (released devices are never reached).
 * Throws `conflict` when the selection no longer has `expectedCount` devices, `invalid_request`
 * when it exceeds MAX_BULK_DEVICES; nothing changes in either case.
 */
export async function runBulkAction(
  db: Db,
  actor: Actor,
  input: BulkAction,
  commandTtlSeconds: number,
  maxDevices = MAX_BULK_DEVICES,
): Promise<{ count: number; deviceIds: string[] }> {
  return db.transaction(async (tx) => {
    const ids = await selectFleetIds(tx, input.filter, maxDevices + 1);
    if (ids.length > maxDevices)
      throw new AppError("invalid_request", `A bulk action reaches at most ${maxDevices} devices; narrow the filter.`);
    if (ids.length !== input.expectedCount)
      throw new AppError(
        "conflict",
        `The selection changed: ${ids.length} devices match now, not ${input.expectedCount}. Review it and confirm again.`,
      );
    const detail: Record<string, unknown> = { filter: filterForAudit(input.filter), count: ids.length, deviceIds: ids };
    if (input.action.kind === "command") {
      const cmd = input.action.command;
      await insertCommands(tx, actor, ids, cmd, commandTtlSeconds);
      await recordAudit(tx, actor, {
        action: "device.bulk_command",
        outcome: "success",
        detail: { ...detail, type: cmd.type, params: cmd.params },
      });
    } else {
      const revoked = await tx
        .update(deviceCredentials)
        .set({ revokedAt: new Date(), revokedReason: "revoked" })
        .where(and(inArray(deviceCredentials.deviceId, ids), isNull(deviceCredentials.revokedAt)))
        .returning({ id: deviceCredentials.id });
      await recordAudit(tx, actor, {
        action: "device.bulk_revoked",
        outcome: "success",
        detail: { ...detail, credentialsRevoked: revoked.length },
      });
    }
    return { count: ids.length, deviceIds: ids };
  });
}

/** The filter as given (dates as RFC 3339), without empty fields. */
function filterForAudit(f: FleetFilter): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f)) if (v !== undefined) out[k] = v instanceof Date ? v.toISOString() : String(v);
  return out;
}
