import { createHmac, hkdfSync } from "node:crypto";
import { base32Encode } from "./base32";
import { safeEqual, sha256Hex } from "./tokens";

export { sha256Hex };

// The server side of docs/protocol.md's MACs and derivations. Message fields are joined with "\n";
// string inputs (PoP, nonces, ids) are used as their ASCII bytes.

const hmac = (key: string | Uint8Array, message: string) => createHmac("sha256", key).update(message, "utf8").digest();

/** PoP(T): what the device shows at step T (section 1). The server never has popSeed; tests and tools do. */
export function popAt(popSeed: Uint8Array, sid: string, step: number): string {
  return base32Encode(hmac(popSeed, `claimlink/1 pop\n${sid}\n${step}`).subarray(0, 16));
}

export function serverProof(pop: string, sid: string, claimId: string, nonce: string): string {
  return hmac(pop, `claimlink/1 server-proof\n${sid}\n${claimId}\n${nonce}`).toString("base64url");
}

export function deviceProof(pop: string, sid: string, claimId: string, nonce: string, deviceNonce: string): string {
  return hmac(pop, `claimlink/1 device-proof\n${sid}\n${claimId}\n${nonce}\n${deviceNonce}`).toString("base64url");
}

/** Constant-time check of a device's answer to a challenge. */
export function verifyDeviceProof(
  pop: string,
  sid: string,
  claimId: string,
  nonce: string,
  deviceNonce: string,
  proof: string,
): boolean {
  return safeEqual(deviceProof(pop, sid, claimId, nonce, deviceNonce), proof);
}

export function deriveDeviceSecret(
  pop: string,
  sid: string,
  claimId: string,
  nonce: string,
  deviceNonce: string,
): Buffer {
  return Buffer.from(
    hkdfSync("sha256", pop, `${nonce}\n${deviceNonce}`, `claimlink/1 device-secret\n${sid}\n${claimId}`, 32),
  );
}

export function bindMac(deviceSecret: Uint8Array, deviceId: string, credentialId: string): string {
  return hmac(deviceSecret, `claimlink/1 bind\n${deviceId}\n${credentialId}`).toString("base64url");
}

export function requestSignature(
  deviceSecret: Uint8Array,
  r: { method: string; pathAndQuery: string; ts: string; nonce: string; bodySha256: string },
): string {
  return hmac(
    deviceSecret,
    `claimlink/1 request\n${r.method}\n${r.pathAndQuery}\n${r.ts}\n${r.nonce}\n${r.bodySha256}`,
  ).toString("base64url");
}

export function responseMac(
  deviceSecret: Uint8Array,
  requestNonce: string,
  status: number,
  body: string | Uint8Array,
): string {
  return hmac(deviceSecret, `claimlink/1 response\n${requestNonce}\n${status}\n${sha256Hex(body)}`).toString(
    "base64url",
  );
}
