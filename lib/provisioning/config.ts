import { env } from "../env";

/** PROTOCOL.md "Timing constants" and the provisioning limits, all configurable. */
export type ProvisioningConfig = {
  stepSeconds: number;
  sessionTtlSeconds: number;
  onlineWindowSeconds: number;
  claimTimeoutSeconds: number;
  maxPopFailures: number;
  skewSeconds: number;
  nonceMemorySeconds: number;
  claimsPerHour: number;
  sessionStartsPerMinute: number;
  devicesPerAccount: number;
  secretKey: Uint8Array;
  claimUrl: string;
};

export function provisioningConfig(): ProvisioningConfig {
  const e = env();
  return {
    stepSeconds: e.CLAIMLINK_POP_STEP_SECONDS,
    sessionTtlSeconds: e.CLAIMLINK_SESSION_TTL_SECONDS,
    onlineWindowSeconds: e.CLAIMLINK_ONLINE_WINDOW_SECONDS,
    claimTimeoutSeconds: e.CLAIMLINK_CLAIM_TIMEOUT_SECONDS,
    maxPopFailures: e.CLAIMLINK_MAX_POP_FAILURES,
    skewSeconds: e.CLAIMLINK_SKEW_SECONDS,
    nonceMemorySeconds: e.CLAIMLINK_NONCE_MEMORY_SECONDS,
    claimsPerHour: e.CLAIMLINK_CLAIMS_PER_HOUR,
    sessionStartsPerMinute: e.CLAIMLINK_SESSION_STARTS_PER_MINUTE,
    devicesPerAccount: e.CLAIMLINK_DEVICES_PER_ACCOUNT,
    secretKey: e.secretKey,
    claimUrl: `${e.publicUrl}/claim`,
  };
}
