import { createECDH, createHash, createPrivateKey, createPublicKey, sign, verify, type KeyObject } from "node:crypto";
import { sha256Hex } from "./tokens";

// Server signatures (docs/protocol.md section 6): ECDSA P-256 over every answer to a device, so
// firmware that pins our public key can tell the real server from a machine in the middle even
// without TLS verification. The key is ours, not the TLS certificate's: renewing a certificate
// changes nothing a device pinned.

export type KeyUse = "current" | "next" | "retired";

/** A published key; `privateKey` only where this server holds it (a `current` key always does). */
export type ServerKey = { kid: string; use: KeyUse; publicKey: Buffer; privateKey: KeyObject | null };

const b64u = (b: Uint8Array) => Buffer.from(b).toString("base64url");

/** kid = hex(first 8 bytes of SHA-256(publicKey)), publicKey the 65-byte uncompressed point. */
export function keyId(publicKey: Uint8Array): string {
  return createHash("sha256").update(publicKey).digest().subarray(0, 8).toString("hex");
}

/** The full SHA-256 of a public key, for people comparing keys by eye. */
export function keyFingerprint(publicKey: Uint8Array): string {
  return createHash("sha256").update(publicKey).digest("hex").match(/.{2}/g)?.join(":") ?? "";
}

/** The 65-byte public point of a 32-byte private scalar; throws if the scalar is not a valid P-256 key. */
export function publicKeyOf(privateScalar: Uint8Array): Buffer {
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(Buffer.from(privateScalar));
  return ecdh.getPublicKey(null, "uncompressed");
}

function jwkOf(publicKey: Uint8Array, privateScalar?: Uint8Array) {
  if (publicKey.length !== 65 || publicKey[0] !== 0x04) throw new Error("not an uncompressed P-256 point");
  return {
    kty: "EC",
    crv: "P-256",
    x: b64u(publicKey.subarray(1, 33)),
    y: b64u(publicKey.subarray(33, 65)),
    ...(privateScalar ? { d: b64u(privateScalar) } : {}),
  };
}

export function privateKeyObject(privateScalar: Uint8Array): KeyObject {
  return createPrivateKey({ key: jwkOf(publicKeyOf(privateScalar), privateScalar), format: "jwk" });
}

export function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({ key: jwkOf(publicKey), format: "jwk" });
}

/** A new key pair: the private scalar (keep it secret) and the public point (publish it). */
export function generateSigningKey(): { privateScalar: Buffer; publicKey: Buffer } {
  const ecdh = createECDH("prime256v1");
  ecdh.generateKeys();
  // getPrivateKey drops leading zero bytes (1 key in 256): a scalar is always 32 bytes.
  const scalar = ecdh.getPrivateKey();
  const privateScalar = Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]);
  return { privateScalar, publicKey: ecdh.getPublicKey(null, "uncompressed") };
}

export type SignedAnswer = {
  method: string;
  pathAndQuery: string;
  /** The request's Claimlink-Nonce, or its Claimlink-HMAC nonce, or "-". */
  requestNonce: string;
  status: number;
  ts: number;
  body: string | Uint8Array;
};

/** The exact string a server signature covers. */
export function signatureInput(a: SignedAnswer): string {
  return [
    "claimlink/1 server-signature",
    a.method,
    a.pathAndQuery,
    a.requestNonce,
    String(a.status),
    String(a.ts),
    sha256Hex(a.body),
  ].join("\n");
}

/** sig = ECDSA P-256 / SHA-256 over the input, as r || s (IEEE P1363), base64url. */
export function signAnswer(privateKey: KeyObject, a: SignedAnswer): string {
  return sign("sha256", Buffer.from(signatureInput(a), "utf8"), {
    key: privateKey,
    dsaEncoding: "ieee-p1363",
  }).toString("base64url");
}

export function verifyAnswer(publicKey: Uint8Array | KeyObject, a: SignedAnswer, sig: string): boolean {
  const raw = Buffer.from(sig, "base64url");
  if (raw.length !== 64) return false;
  const key = publicKey instanceof Uint8Array ? publicKeyObject(publicKey) : publicKey;
  return verify("sha256", Buffer.from(signatureInput(a), "utf8"), { key, dsaEncoding: "ieee-p1363" }, raw);
}

/** `Claimlink-Signature: keyid="…", ts="…", sig="…"`. */
export function signatureHeader(kid: string, ts: number, sig: string): string {
  return `keyid="${kid}", ts="${ts}", sig="${sig}"`;
}
