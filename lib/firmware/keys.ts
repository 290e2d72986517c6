import { keyId } from "../crypto/server-signature";

// The firmware keys this server accepts uploads under (docs/protocol.md section 7): public
// halves only. Their private halves stay with the firmware key holder, offline; the server
// cannot sign an image, so a stolen server cannot make a device run code.

/** A firmware key as `/.well-known/claimlink` publishes it. */
export type FirmwareKey = { kid: string; alg: "ES256"; publicKey: string };

/**
 * CLAIMLINK_FIRMWARE_KEYS: base64url 65-byte uncompressed P-256 points separated by commas or
 * spaces. Unset or empty gives no keys (uploads are then refused). Throws with a message naming
 * the bad entry, so a typo refuses start-up rather than silently dropping a key.
 */
export function parseFirmwareKeys(spec: string | undefined): FirmwareKey[] {
  const entries = (spec ?? "").split(/[\s,]+/).filter(Boolean);
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const shown = `entry ${i + 1} ("${entry.slice(0, 12)}${entry.length > 12 ? "…" : ""}")`;
    if (!/^[A-Za-z0-9_-]+$/.test(entry)) throw new Error(`${shown} is not base64url`);
    const raw = Buffer.from(entry, "base64url");
    if (raw.length !== 65 || raw[0] !== 0x04 || raw.toString("base64url") !== entry)
      throw new Error(`${shown} is not a 65-byte uncompressed P-256 public key in base64url (87 characters)`);
    if (!isOnCurve(raw)) throw new Error(`${shown} is not a point on P-256`);
    const kid = keyId(raw);
    if (seen.has(kid)) throw new Error(`${shown}: key ${kid} is listed twice`);
    seen.add(kid);
    return { kid, alg: "ES256" as const, publicKey: entry };
  });
}

// y² = x³ − 3x + b over P-256's field: a key that is not a point would never verify anything.
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
function isOnCurve(raw: Buffer): boolean {
  const x = BigInt(`0x${raw.subarray(1, 33).toString("hex")}`);
  const y = BigInt(`0x${raw.subarray(33, 65).toString("hex")}`);
  if (x >= P || y >= P) return false;
  return (y * y - (x * x * x - 3n * x + B)) % P === 0n;
}
