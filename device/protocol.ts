// The device side of the Claimlink protocol, written from PROTOCOL.md alone. It must not import
// the server's code: two independent implementations checked against the same test vectors
// catch what one implementation would hide.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function toBase32(data: Uint8Array): string {
  let bits = "";
  for (const byte of data) bits += byte.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += B32[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out;
}

const mac = (key: string | Uint8Array, ...fields: (string | number)[]) => createHmac("sha256", key).update(fields.join("\n")).digest();
const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");

export const stepOf = (unixSeconds: number, step: number) => Math.floor(unixSeconds / step);

export function pop(popSeed: Uint8Array, sid: string, T: number): string {
  return toBase32(mac(popSeed, "claimlink/1 pop", sid, T).subarray(0, 16));
}

export function qrText(claimUrl: string, sid: string, popValue: string): string {
  return `${claimUrl}#${sid}.${popValue}`;
}

export function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function serverProofFor(popValue: string, sid: string, claimId: string, nonce: string): string {
  return b64u(mac(popValue, "claimlink/1 server-proof", sid, claimId, nonce));
}

/** The PoP (current or previous step) the server's proof was made with, or null: then answer pop_mismatch. */
export function matchChallenge(popSeed: Uint8Array, sid: string, T: number, claimId: string, nonce: string, proof: string): string | null {
  for (const candidate of [pop(popSeed, sid, T), pop(popSeed, sid, T - 1)]) {
    if (sameBytes(serverProofFor(candidate, sid, claimId, nonce), proof)) return candidate;
  }
  return null;
}

export function deviceProofFor(popValue: string, sid: string, claimId: string, nonce: string, deviceNonce: string): string {
  return b64u(mac(popValue, "claimlink/1 device-proof", sid, claimId, nonce, deviceNonce));
}

export function deviceSecretFor(popValue: string, sid: string, claimId: string, nonce: string, deviceNonce: string): Buffer {
  return Buffer.from(hkdfSync("sha256", Buffer.from(popValue), Buffer.from(`${nonce}\n${deviceNonce}`), Buffer.from(`claimlink/1 device-secret\n${sid}\n${claimId}`), 32));
}

export function bindMacFor(secret: Uint8Array, deviceId: string, credentialId: string): string {
  return b64u(mac(secret, "claimlink/1 bind", deviceId, credentialId));
}

export const hexSha256 = (body: string | Uint8Array) => createHash("sha256").update(body).digest("hex");

export function signature(secret: Uint8Array, method: string, pathAndQuery: string, ts: number | string, nonce: string, body: string): string {
  return b64u(mac(secret, "claimlink/1 request", method, pathAndQuery, ts, nonce, hexSha256(body)));
}

export function authorizationHeader(credentialId: string, secret: Uint8Array, method: string, pathAndQuery: string, ts: number, body: string, nonce = b64u(randomBytes(16))) {
  const sig = signature(secret, method, pathAndQuery, ts, nonce, body);
  return { header: `Claimlink-HMAC credential="${credentialId}", ts="${ts}", nonce="${nonce}", sig="${sig}"`, nonce };
}

export function expectedResponseMac(secret: Uint8Array, requestNonce: string, status: number, body: string): string {
  return b64u(mac(secret, "claimlink/1 response", requestNonce, status, hexSha256(body)));
}

export const randomB64u = (n: number) => b64u(randomBytes(n));
