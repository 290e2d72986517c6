// The device side of the Claimlink protocol, written from docs/protocol.md alone. It must not import
// the server's code: two independent implementations checked against the same test vectors
// catch what one implementation would hide.
import {
  createHash,
  createHmac,
  createPublicKey,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
  verify,
  type KeyObject,
} from "node:crypto";

const B32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function toBase32(data: Uint8Array): string {
  let bits = "";
  for (const byte of data) bits += byte.toString(2).padStart(8, "0");
  let out = "";
  for (let i = 0; i < bits.length; i += 5) out += B32[parseInt(bits.slice(i, i + 5).padEnd(5, "0"), 2)];
  return out;
}

const mac = (key: string | Uint8Array, ...fields: (string | number)[]) =>
  createHmac("sha256", key).update(fields.join("\n")).digest();
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
export function matchChallenge(
  popSeed: Uint8Array,
  sid: string,
  T: number,
  claimId: string,
  nonce: string,
  proof: string,
): string | null {
  for (const candidate of [pop(popSeed, sid, T), pop(popSeed, sid, T - 1)]) {
    if (sameBytes(serverProofFor(candidate, sid, claimId, nonce), proof)) return candidate;
  }
  return null;
}

export function deviceProofFor(
  popValue: string,
  sid: string,
  claimId: string,
  nonce: string,
  deviceNonce: string,
): string {
  return b64u(mac(popValue, "claimlink/1 device-proof", sid, claimId, nonce, deviceNonce));
}

export function deviceSecretFor(
  popValue: string,
  sid: string,
  claimId: string,
  nonce: string,
  deviceNonce: string,
): Buffer {
  return Buffer.from(
    hkdfSync(
      "sha256",
      Buffer.from(popValue),
      Buffer.from(`${nonce}\n${deviceNonce}`),
      Buffer.from(`claimlink/1 device-secret\n${sid}\n${claimId}`),
      32,
    ),
  );
}

export function bindMacFor(secret: Uint8Array, deviceId: string, credentialId: string): string {
  return b64u(mac(secret, "claimlink/1 bind", deviceId, credentialId));
}

export const hexSha256 = (body: string | Uint8Array) => createHash("sha256").update(body).digest("hex");

export function signature(
  secret: Uint8Array,
  method: string,
  pathAndQuery: string,
  ts: number | string,
  nonce: string,
  body: string,
): string {
  return b64u(mac(secret, "claimlink/1 request", method, pathAndQuery, ts, nonce, hexSha256(body)));
}

export function authorizationHeader(
  credentialId: string,
  secret: Uint8Array,
  method: string,
  pathAndQuery: string,
  ts: number,
  body: string,
  nonce = b64u(randomBytes(16)),
) {
  const sig = signature(secret, method, pathAndQuery, ts, nonce, body);
  return { header: `Claimlink-HMAC credential="${credentialId}", ts="${ts}", nonce="${nonce}", sig="${sig}"`, nonce };
}

export function expectedResponseMac(secret: Uint8Array, requestNonce: string, status: number, body: string): string {
  return b64u(mac(secret, "claimlink/1 response", requestNonce, status, hexSha256(body)));
}

export const randomB64u = (n: number) => b64u(randomBytes(n));

// (1.1) Server signatures, docs/protocol.md section 6: ECDSA P-256 over the answer, with the
// server's public key pinned in the firmware. Written from the specification, like the rest.

/** kid of a pinned 65-byte public key: hex of the first 8 bytes of its SHA-256. */
export const pinnedKeyId = (publicKey: Uint8Array) => createHash("sha256").update(publicKey).digest("hex").slice(0, 16);

export type PinnedKey = { kid: string; key: KeyObject };

/** A pinned key from its base64url form (65 bytes, 0x04 || X || Y). */
export function pinKey(publicKeyB64url: string): PinnedKey {
  const raw = Buffer.from(publicKeyB64url, "base64url");
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("a pinned key must be a 65-byte uncompressed P-256 point");
  const jwk = { kty: "EC", crv: "P-256", x: b64u(raw.subarray(1, 33)), y: b64u(raw.subarray(33)) };
  return { kid: pinnedKeyId(raw), key: createPublicKey({ key: jwk, format: "jwk" }) };
}

/** Parses `keyid="…", ts="…", sig="…"`; null when absent or malformed. */
export function parseServerSignature(header: string | null): { kid: string; ts: number; sig: string } | null {
  if (!header) return null;
  const m = /^keyid="([0-9a-f]{16})", ts="(0|[1-9]\d{0,11})", sig="([A-Za-z0-9_-]{86})"$/.exec(header.trim());
  return m ? { kid: m[1], ts: Number(m[2]), sig: m[3] } : null;
}

/**
 * True when `header` is a valid signature, by one of the pinned keys, of this answer to the
 * request we sent with `requestNonce`. The caller also checks the signature's time.
 */
export function verifyServerSignature(
  pins: PinnedKey[],
  header: string | null,
  a: { method: string; pathAndQuery: string; requestNonce: string; status: number; body: string },
): { ok: true; ts: number } | { ok: false } {
  const parsed = parseServerSignature(header);
  const pin = parsed && pins.find((p) => p.kid === parsed.kid);
  if (!parsed || !pin) return { ok: false };
  const signed = [
    "claimlink/1 server-signature",
    a.method,
    a.pathAndQuery,
    a.requestNonce,
    a.status,
    parsed.ts,
    hexSha256(a.body),
  ].join("\n");
  const ok = verify(
    "sha256",
    Buffer.from(signed),
    { key: pin.key, dsaEncoding: "ieee-p1363" },
    Buffer.from(parsed.sig, "base64url"),
  );
  return ok ? { ok: true, ts: parsed.ts } : { ok: false };
}
