import { createHmac, randomBytes } from "node:crypto";
import { base32Encode } from "../crypto/base32";
import { open, seal, type SealKeys } from "../crypto/seal";

// Pseudonyms in researcher data (docs/studies.md "Pseudonyms"): `p_` + 10 base32 characters for
// a participant, `d_` + 10 for a device, each the HMAC-SHA-256 of the account or device id under
// the study's own key. Stable across exports of one study, unrelated between studies, and not
// reversible without the key, which only the server holds (sealed with CLAIMLINK_SECRET_KEY).
// 50 bits: two participants of a study of 100,000 share a pseudonym with odds of about 1 in 200,000.

const aad = (studyId: string) => `study-key:${studyId}`;

/** A fresh study key, sealed for the studies row. */
export function newStudyKey(keys: SealKeys, studyId: string): string {
  return seal(keys, randomBytes(32), aad(studyId));
}

/** The study's key; throws UnopenableSealError when no configured key opens it. */
export function openStudyKey(keys: SealKeys, studyId: string, sealed: string): Buffer {
  return open(keys, sealed, aad(studyId));
}

function pseudonym(key: Uint8Array, kind: "participant" | "device", id: string): string {
  const mac = createHmac("sha256", key).update(`claimlink pseudonym\0${kind}\0${id}`).digest();
  return base32Encode(mac.subarray(0, 7)).slice(0, 10);
}

export type Pseudonymizer = { participant(userId: string): string; device(deviceId: string): string };

/** The pseudonyms of one study, from its opened key. */
export function pseudonymizer(studyKey: Uint8Array): Pseudonymizer {
  return {
    participant: (userId) => `p_${pseudonym(studyKey, "participant", userId)}`,
    device: (deviceId) => `d_${pseudonym(studyKey, "device", deviceId)}`,
  };
}
