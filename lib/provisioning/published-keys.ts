import { keyFingerprint } from "../crypto/server-signature";
import type { FirmwareKey } from "../firmware/keys";
import { PROTOCOL_VERSION } from "./version";
import type { ProvisioningConfig } from "./config";

export type PublishedKey = { kid: string; alg: "ES256"; publicKey: string; use: "current" | "next" | "retired" };

/**
 * What GET /.well-known/claimlink publishes (docs/protocol.md sections 6 and 7): the server's
 * keys and the firmware keys uploads are checked against; never a private key.
 */
export function serverDocument(
  cfg: Pick<ProvisioningConfig, "claimUrl" | "signingKeys">,
  firmwareKeys: FirmwareKey[] = [],
) {
  return {
    protocol: PROTOCOL_VERSION,
    claimUrl: cfg.claimUrl,
    keys: cfg.signingKeys.map((k): PublishedKey => ({
      kid: k.kid,
      alg: "ES256",
      publicKey: k.publicKey.toString("base64url"),
      use: k.use,
    })),
    firmwareKeys: firmwareKeys.map((k) => ({ kid: k.kid, alg: k.alg, publicKey: k.publicKey })),
  };
}

/** The keys as staff see them, with a fingerprint to compare by eye. */
export function keysForStaff(cfg: Pick<ProvisioningConfig, "claimUrl" | "signingKeys">) {
  return serverDocument(cfg).keys.map((k, i) => ({ ...k, fingerprint: keyFingerprint(cfg.signingKeys[i].publicKey) }));
}

/** The firmware keys as staff see them, with a fingerprint to compare by eye. */
export function firmwareKeysForStaff(keys: FirmwareKey[]) {
  return keys.map((k) => ({ ...k, fingerprint: keyFingerprint(Buffer.from(k.publicKey, "base64url")) }));
}
