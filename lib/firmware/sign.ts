import { sign as ecdsaSign } from "node:crypto";
import { firmwareKid, firmwareSigned, pinFirmwareKeys, verifyFirmwareSignature } from "../../device/firmware-update";
import { generateSigningKey, privateKeyObject, publicKeyOf } from "../crypto/server-signature";
import type { FirmwareKey } from "./keys";

// Firmware signatures of docs/protocol.md section 7. The signed text, the kid and the
// verification are the device clients' own (device/firmware-update.ts), so the server, the CLI
// and the simulator cannot disagree on them; this module adds what only the key holder does.

export { firmwareKid, firmwareSigned };

export type FirmwareManifest = { model: string; version: string; size: number; sha256: string };

/** A new firmware key: the private scalar (b64url, 32 bytes: keep it offline) and its public point and kid. */
export function generateFirmwareKey(): { privateKey: string; publicKey: string; kid: string } {
  const { privateScalar, publicKey } = generateSigningKey();
  const pub = publicKey.toString("base64url");
  return { privateKey: privateScalar.toString("base64url"), publicKey: pub, kid: firmwareKid(pub) };
}

/** The public key (b64url) and kid of a private scalar (b64url, 32 bytes); throws when it is not a P-256 key. */
export function firmwarePublicKeyOf(privateKey: string): { publicKey: string; kid: string } {
  const scalar = Buffer.from(privateKey, "base64url");
  if (scalar.length !== 32 || scalar.toString("base64url") !== privateKey)
    throw new Error("a firmware private key is 32 bytes in base64url (43 characters)");
  const publicKey = publicKeyOf(scalar).toString("base64url");
  return { publicKey, kid: firmwareKid(publicKey) };
}

/** firmwareSig: ECDSA P-256 / SHA-256 over firmwareSigned, r || s, b64url. */
export function signFirmware(privateKey: string, manifest: FirmwareManifest): string {
  firmwarePublicKeyOf(privateKey);
  const key = privateKeyObject(Buffer.from(privateKey, "base64url"));
  return ecdsaSign("sha256", Buffer.from(firmwareSigned(manifest)), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
}

/**
 * The key among `keys` under which `sig` verifies over the manifest's firmwareSigned, or null.
 * Every key is tried (the signature names none); a malformed signature verifies under none.
 */
export function verifyFirmware(keys: FirmwareKey[], manifest: FirmwareManifest, sig: string): FirmwareKey | null {
  const signed = firmwareSigned(manifest);
  const pinned = pinFirmwareKeys(keys.map((k) => k.publicKey));
  const i = pinned.findIndex((p) => verifyFirmwareSignature([p], p.kid, sig, signed));
  return i < 0 ? null : keys[i];
}
