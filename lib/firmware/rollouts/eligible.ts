import { sql, type SQL } from "drizzle-orm";
import { deviceCredentials, devices, legacyNodes } from "../../db/schema";

// Which devices may get an update: the image's model (never another: docs/protocol.md section 7),
// claimed and active (not released, not reported lost, holding a live credential, not a legacy
// node's record). Checked when the rollout is created and again when each stage is issued.

/** Claimed and active: what the fleet console shows as online or offline. */
export function activeDevice(): SQL {
  return sql`${devices.releasedAt} is null
    and ${devices.lostAt} is null
    and exists (select 1 from ${deviceCredentials} where ${deviceCredentials.deviceId} = ${devices.id} and ${deviceCredentials.revokedAt} is null)
    and not exists (select 1 from ${legacyNodes} where ${legacyNodes.deviceId} = ${devices.id})`;
}

/** Active and of `model`. */
export function eligibleDevice(model: string): SQL {
  return sql`${devices.model} = ${model} and ${activeDevice()}`;
}
