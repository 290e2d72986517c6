import type { Keyring } from "../crypto/seal";
import type { ServerKey } from "../crypto/server-signature";
import { env } from "../env";

/** docs/protocol.md "Timing constants" and the provisioning limits, all configurable. */
export type ProvisioningConfig = {
  stepSeconds: number;
  sessionTtlSeconds: number;
  onlineWindowSeconds: number;
  claimTimeoutSeconds: number;
  /** (1.1) wrong codes from one account before that account is locked out of a session. */
  maxPopFailures: number;
  /** (1.1) wrong codes in all before the session locks for everyone. */
  maxSessionPopFailures: number;
  /** (1.1) how long a queued command waits for the device. */
  commandTtlSeconds: number;
  skewSeconds: number;
  nonceMemorySeconds: number;
  claimsPerHour: number;
  sessionStartsPerMinute: number;
  devicesPerAccount: number;
  /** Measurement batches one device may send per minute (429 past it). */
  measurementBatchesPerMinute: number;
  /** Seals device secrets and open claims' PoPs (lib/crypto/seal.ts). */
  secretKey: Keyring;
  /** (1.1) the public URL's origin + "/claim": what a device draws its QR from. */
  claimUrl: string;
  signingKeys: ServerKey[];
};

/** The claim URL of a public URL: its origin (scheme, host, port) + "/claim", never a path prefix. */
export function claimUrlOf(publicUrl: string): string {
  return `${new URL(publicUrl).origin}/claim`;
}

let made: { from: ReturnType<typeof env>; cfg: ProvisioningConfig } | undefined;

/**
 * The configuration, made once from the (cached) environment: every device request reads it,
 * and none should parse a URL or build an object for it. Callers that change it copy it.
 */
export function provisioningConfig(): ProvisioningConfig {
  const e = env();
  if (made?.from !== e) made = { from: e, cfg: Object.freeze(configOf(e)) as ProvisioningConfig };
  return made.cfg;
}

function configOf(e: ReturnType<typeof env>): ProvisioningConfig {
  return {
    stepSeconds: e.CLAIMLINK_POP_STEP_SECONDS,
    sessionTtlSeconds: e.CLAIMLINK_SESSION_TTL_SECONDS,
    onlineWindowSeconds: e.CLAIMLINK_ONLINE_WINDOW_SECONDS,
    claimTimeoutSeconds: e.CLAIMLINK_CLAIM_TIMEOUT_SECONDS,
    maxPopFailures: e.CLAIMLINK_MAX_POP_FAILURES,
    maxSessionPopFailures: e.CLAIMLINK_MAX_SESSION_POP_FAILURES,
    commandTtlSeconds: e.CLAIMLINK_COMMAND_TTL_SECONDS,
    skewSeconds: e.CLAIMLINK_SKEW_SECONDS,
    nonceMemorySeconds: e.CLAIMLINK_NONCE_MEMORY_SECONDS,
    claimsPerHour: e.CLAIMLINK_CLAIMS_PER_HOUR,
    sessionStartsPerMinute: e.CLAIMLINK_SESSION_STARTS_PER_MINUTE,
    devicesPerAccount: e.CLAIMLINK_DEVICES_PER_ACCOUNT,
    measurementBatchesPerMinute: e.CLAIMLINK_MEASUREMENT_BATCHES_PER_MINUTE,
    secretKey: e.secretKey,
    claimUrl: claimUrlOf(e.publicUrl),
    signingKeys: e.signingKeys,
  };
}
