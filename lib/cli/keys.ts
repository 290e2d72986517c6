import { keyFingerprint, keyId, generateSigningKey } from "../crypto/server-signature";
import { env } from "../env";
import { claimUrlOf } from "../provisioning/config";
import { serverDocument } from "../provisioning/published-keys";

// `npm run cli -- keys create|list`: the server's signing keys (docs/protocol.md section 6).
// Neither needs the database.

/** A new key pair, and what to put in the environment to publish it and later sign with it. */
export function createKeyLines(): string[] {
  const { privateScalar, publicKey } = generateSigningKey();
  const priv = privateScalar.toString("base64url");
  const pub = publicKey.toString("base64url");
  return [
    `New server signing key ${keyId(publicKey)}`,
    `  public key (publish and pin in firmware): ${pub}`,
    `  fingerprint: ${keyFingerprint(publicKey)}`,
    `  private key (keep secret, like AUTH_SECRET): ${priv}`,
    "",
    "To rotate without breaking devices:",
    "  1. Publish it as next (firmware built from now on pins both):",
    `     CLAIMLINK_SIGNING_KEYS="current=<your current private key>,next=${pub}"`,
    "  2. Once the fleet's firmware pins it, make it current:",
    `     CLAIMLINK_SIGNING_KEYS="current=${priv},retired=<your old public key>"`,
    "For a new deployment, use it as the only key:",
    `     CLAIMLINK_SIGNING_KEYS="current=${priv}"`,
  ];
}

/** The keys this configuration publishes at /.well-known/claimlink. */
export function listKeyLines(): string[] {
  const e = env();
  const doc = serverDocument({ claimUrl: claimUrlOf(e.publicUrl), signingKeys: e.signingKeys }, e.firmwareKeys);
  return [
    `Protocol ${doc.protocol}; claim URL ${doc.claimUrl}`,
    ...doc.keys.map((k) => `${k.kid}  ${k.use.padEnd(7)}  ${k.publicKey}`),
    ...doc.firmwareKeys.map((k) => `${k.kid}  firmware ${k.publicKey}`),
  ];
}
