import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A bearer secret: `bytes` random bytes as unpadded base64url. */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Constant-time equality of two strings (false at once only when the lengths differ). */
export function safeEqual(a: string | Uint8Array, b: string | Uint8Array): boolean {
  const x = typeof a === "string" ? Buffer.from(a, "utf8") : Buffer.from(a);
  const y = typeof b === "string" ? Buffer.from(b, "utf8") : Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
