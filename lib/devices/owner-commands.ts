import type { Actor } from "../audit/record";
import type { Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { tryAgainIn } from "../format";
import { countHit } from "../rate-limit";
import { queueCommand } from "./commands";
import { getOwnedDevice } from "./lifecycle";
import type { OwnerCommand } from "./schemas";

/** Commands one owner may send per hour, so a script cannot flood a device's queue and the audit log. */
export const OWNER_COMMANDS_PER_HOUR = 60;

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
  const limit = await countHit(db, `owner-commands:user:${actor.id}`, {
    max: OWNER_COMMANDS_PER_HOUR,
    windowSeconds: 3600,
  });
  if (limit.count > OWNER_COMMANDS_PER_HOUR)
    throw new AppError("rate_limited", `Too many commands. ${tryAgainIn(limit.retryAfterSeconds)}`, {
      retryAfterSeconds: limit.retryAfterSeconds,
    });
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
