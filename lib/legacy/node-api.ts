import { appDatabase } from "../db/client";
import { env } from "../env";
import { basicCredentialOf } from "./credentials";
import { ingestLegacy, type LegacyConfig } from "./ingest";

// A legacy node's one request, as the route calls it (docs/legacy-ingest.md): unsigned, by
// hardware id, with the node's credential as HTTP basic authentication where it has one.

export function legacyConfig(): LegacyConfig {
  const e = env();
  return {
    perNodePerMinute: e.CLAIMLINK_LEGACY_REQUESTS_PER_NODE_PER_MINUTE,
    perAddressPerMinute: e.CLAIMLINK_LEGACY_REQUESTS_PER_ADDRESS_PER_MINUTE,
  };
}

/** What the route read from a legacy node's request: its two headers, the parsed body, the address. */
export interface LegacyPush {
  sensorHeader: string | null;
  authorization: string | null;
  body: unknown;
  ip: string | null;
}

/** POST /api/v1/legacy/push-sensor-data: one unsigned request of a legacy node. */
export async function pushLegacyData(push: LegacyPush, audit: Record<string, unknown>) {
  const { sensorHeader, authorization } = push;
  if (sensorHeader) audit.hardwareId = sensorHeader.slice(0, 64);
  // The user name only (the node's id), never the password.
  const user = safeBasicUser(authorization);
  if (user) audit.user = user;
  const { db } = await appDatabase();
  const { hardwareId: _, ...result } = await ingestLegacy(db, legacyConfig(), push);
  return result;
}

function safeBasicUser(authorization: string | null): string | null {
  try {
    return basicCredentialOf(authorization)?.user.slice(0, 64) ?? null;
  } catch {
    return null;
  }
}
