import { keyFingerprint } from "../crypto/server-signature";
import { PROTOCOL_VERSION } from "./version";
import type { ProvisioningConfig } from "./config";

export type PublishedKey = { kid: string; alg: "ES256"; publicKey: string; use: "current" | "next" | "retired" };

/** What GET /.well-known/claimlink publishes (docs/protocol.md section 6): never a private key. */
export function serverDocument(cfg: Pick<ProvisioningConfig, "claimUrl" | "signingKeys">) {
  return {
    protocol: PROTOCOL_VERSION,
    claimUrl: cfg.claimUrl,
    keys: cfg.signingKeys.map((k): PublishedKey => ({
      kid: k.kid,
      alg: "ES256",
      publicKey: k.publicKey.toString("base64url"),
      use: k.use,
    })),
  };
}

/** The keys as staff see them, with a fingerprint to compare by eye. */
export function keysForStaff(cfg: Pick<ProvisioningConfig, "claimUrl" | "signingKeys">) {
  return serverDocument(cfg).keys.map((k, i) => ({ ...k, fingerprint: keyFingerprint(cfg.signingKeys[i].publicKey) }));
}
