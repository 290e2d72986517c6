import { createHmac, randomBytes } from "node:crypto";
import { open, seal, type SealKeys } from "../crypto/seal";

// Standard Webhooks (https://www.standardwebhooks.com, spec/standard-webhooks.md): the secret is
// `whsec_` and the base64 of its bytes; a delivery carries `webhook-id`, `webhook-timestamp`
// (Unix seconds) and `webhook-signature`: space-separated `v1,<base64 HMAC-SHA256 of
// "<id>.<timestamp>.<body>">`, one per secret that is valid (two for a day after a roll).

export const SECRET_PREFIX = "whsec_";
/** 32 random bytes: the specification asks for 24 to 64. */
const SECRET_BYTES = 32;

const aad = (subscriptionId: string) => `webhook-secret:${subscriptionId}`;

/** A new secret: its bytes, sealed for the subscription's row, and as shown once (`whsec_…`). */
export function newWebhookSecret(keys: SealKeys, subscriptionId: string): { sealed: string; shown: string } {
  const bytes = randomBytes(SECRET_BYTES);
  return { sealed: seal(keys, bytes, aad(subscriptionId)), shown: SECRET_PREFIX + bytes.toString("base64") };
}

export function openWebhookSecret(keys: SealKeys, subscriptionId: string, sealed: string): Buffer {
  return open(keys, sealed, aad(subscriptionId));
}

/** The `v1,<base64>` signature of one message under one secret's bytes. */
export function signWebhook(secret: Uint8Array, id: string, timestamp: number, body: string): string {
  return `v1,${createHmac("sha256", secret).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** The three headers of a delivery, signed with every secret given (newest first). */
export function webhookHeaders(secrets: Uint8Array[], id: string, timestamp: number, body: string) {
  return {
    "webhook-id": id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": secrets.map((s) => signWebhook(s, id, timestamp, body)).join(" "),
  };
}
