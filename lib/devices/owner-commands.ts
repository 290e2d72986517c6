import type { Actor } from "../audit/record";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { queueCommand } from "./commands";
import { getOwnedDevice } from "./lifecycle";
import type { OwnerCommand } from "./schemas";

/** The measurement intervals owners may choose (CLAIMLINK_OWNER_INTERVAL_MIN/MAX_SECONDS, set by staff). */
export type IntervalLimits = { minSeconds: number; maxSeconds: number };

/**
 * An owner's command through the staff's command path (docs/protocol.md section 4): "identify"
 * (blink or beep) or a new measurement interval within `limits`. Not for a device reported lost
 * (it has no credential to fetch commands with). Audited as `command.issued`.
 */
export async function sendOwnerCommand(
  db: Db,
  actor: Actor & { id: string },
  deviceId: string,
  cmd: OwnerCommand,
  limits: IntervalLimits,
  ttlSeconds: number,
) {
  const d = await getOwnedDevice(db, actor.id, deviceId);
  if (d.lostAt)
    throw new AppError("conflict", "This device was reported lost or stolen; claim a replacement to use it again.");
  if (cmd.type === "identify") return queueCommand(db, actor, d.id, { type: "identify", params: {} }, ttlSeconds);
  const s = cmd.measurementIntervalSeconds;
  if (s < limits.minSeconds || s > limits.maxSeconds)
    throw new AppError(
      "invalid_request",
      `The measurement interval must be between ${limits.minSeconds} and ${limits.maxSeconds} seconds.`,
      { errors: [{ path: "measurementIntervalSeconds", message: "is outside the allowed range" }] },
    );
  return queueCommand(db, actor, d.id, { type: "set_config", params: { measurementIntervalSeconds: s } }, ttlSeconds);
}
