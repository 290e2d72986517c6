import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

// AES-256-GCM for secrets the server must read back (device secrets, a claim's PoP while the
// claim is open). The associated data binds a ciphertext to its row, so a sealed value copied
// into another row does not open.
//
// Format `v2.<key id>.<base64url(iv | ciphertext | tag)>`: the key id names the key of the
// keyring that sealed it, so the key can be rotated (`npm run cli -- keys reseal`) while the old
// key still opens what it sealed. The header is part of the associated data. `v1.<data>` (no key
// id, before keyrings) still opens with whichever key of the ring fits.

export type SealingKey = { id: string; key: Buffer };
/** The sealing keys: `current` seals, every key in `all` (current first) opens. */
export type Keyring = { current: SealingKey; all: SealingKey[] };
/** A keyring, or one raw 32-byte key (a keyring of that key alone). */
export type SealKeys = Keyring | Uint8Array;

/** A key's id: 8 hex characters of a hash of the key, so the id needs no configuration and reveals nothing. */
export function sealingKeyId(key: Uint8Array): string {
  return createHash("sha256").update("claimlink sealing key id\0").update(key).digest("hex").slice(0, 8);
}

/** A keyring from raw 32-byte keys; the first seals. Throws on an empty list, a wrong length or a repeat. */
export function keyringOf(keys: Uint8Array[]): Keyring {
  if (keys.length === 0) throw new Error("a keyring needs at least one key");
  const all = keys.map((k) => {
    if (k.length !== 32) throw new Error("a sealing key must be 32 bytes");
    return { id: sealingKeyId(k), key: Buffer.from(k) };
  });
  if (new Set(all.map((k) => k.id)).size !== all.length) throw new Error("a sealing key is listed twice");
  return { current: all[0], all };
}

function ringOf(keys: SealKeys): Keyring {
  return keys instanceof Uint8Array ? keyringOf([keys]) : keys;
}

/** Thrown by `open` when no key of the ring can open a value (lost key, or tampered data). */
export class UnopenableSealError extends Error {
  constructor(readonly keyId: string | null) {
    super(keyId ? `no key of the keyring opens a value sealed under key ${keyId}` : "the sealed value does not open");
  }
}

export function seal(keys: SealKeys, plaintext: Uint8Array, associatedData: string): string {
  const { current } = ringOf(keys);
  const header = `v2.${current.id}.`;
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", current.key, iv);
  cipher.setAAD(Buffer.from(header + associatedData, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return header + Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url");
}

function decrypt(key: Buffer, raw: Buffer, aad: string): Buffer {
  if (raw.length < 28) throw new Error("too short");
  const decipher = createDecipheriv("aes-256-gcm", key, raw.subarray(0, 12));
  decipher.setAAD(Buffer.from(aad, "utf8"));
  decipher.setAuthTag(raw.subarray(raw.length - 16));
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}

/** The id of the key a value was sealed under (null for the v1 format, which names none). */
export function sealedKeyId(sealed: string): string | null {
  const m = /^v2\.([0-9a-f]{8})\./.exec(sealed);
  return m ? m[1] : null;
}

/**
 * Opens a sealed value. Throws UnopenableSealError when the key is not in the ring, or when the
 * key, the associated data or the ciphertext is wrong.
 */
export function open(keys: SealKeys, sealed: string, associatedData: string): Buffer {
  const ring = ringOf(keys);
  const parts = sealed.split(".");
  if (parts[0] === "v2" && parts.length === 3) {
    const key = ring.all.find((k) => k.id === parts[1]);
    if (!key) throw new UnopenableSealError(parts[1]);
    try {
      return decrypt(key.key, Buffer.from(parts[2], "base64url"), `v2.${parts[1]}.${associatedData}`);
    } catch {
      throw new UnopenableSealError(parts[1]);
    }
  }
  if (parts[0] === "v1" && parts.length === 2) {
    const raw = Buffer.from(parts[1], "base64url");
    for (const k of ring.all) {
      try {
        return decrypt(k.key, raw, associatedData);
      } catch {
        // the next key
      }
    }
  }
  throw new UnopenableSealError(null);
}
