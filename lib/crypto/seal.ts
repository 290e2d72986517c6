import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

// AES-256-GCM for secrets the server must read back (device secrets, a claim's PoP while the
// claim is open). The associated data binds a ciphertext to its row, so a sealed value copied
// into another row does not open.

const VERSION = "v1";

export function seal(key: Uint8Array, plaintext: Uint8Array, associatedData: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(Buffer.from(associatedData, "utf8"));
  const ct = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return `${VERSION}.${Buffer.concat([iv, ct, cipher.getAuthTag()]).toString("base64url")}`;
}

/** Opens a sealed value; throws when the key, the associated data or the ciphertext is wrong. */
export function open(key: Uint8Array, sealed: string, associatedData: string): Buffer {
  const [version, data] = sealed.split(".");
  if (version !== VERSION || !data) throw new Error("unknown sealed format");
  const raw = Buffer.from(data, "base64url");
  const iv = raw.subarray(0, 12);
  const tag = raw.subarray(raw.length - 16);
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(Buffer.from(associatedData, "utf8"));
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]);
}
