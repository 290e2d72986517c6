import { createHash, createPrivateKey, sign } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";

// Firmware images for e2e tests: the test firmware key of docs/protocol.md's vectors (tests only;
// its public half is the e2e server's CLAIMLINK_FIRMWARE_KEYS, scripts/test-keys.mjs).

export const TEST_FIRMWARE_PUBLIC_KEY =
  "BKKQIeQBp4PRfpJ60tORaCiePAcw1uQCinD__Yb97vhChF75bFlf1OLmgYntCMYfFTJPMikyOgEMQEonoWfPQts";
const raw = Buffer.from(TEST_FIRMWARE_PUBLIC_KEY, "base64url");
const testKey = createPrivateKey({
  format: "jwk",
  key: {
    kty: "EC",
    crv: "P-256",
    x: raw.subarray(1, 33).toString("base64url"),
    y: raw.subarray(33).toString("base64url"),
    d: Buffer.from("5ccbdb17d6d3095a73ad840c062882021ebcc8bfaf3cccf3a5e7a23138aec80b", "hex").toString("base64url"),
  },
});

/** firmwareSig (section 7) of an image by the test firmware key. */
export function signTestImage(model: string, version: string, image: Uint8Array): string {
  const sha256 = createHash("sha256").update(image).digest("hex");
  const signed = ["claimlink/1 firmware", model, version, image.length, sha256].join("\n");
  return sign("sha256", Buffer.from(signed), { key: testKey, dsaEncoding: "ieee-p1363" }).toString("base64url");
}

/** Uploads an image as staff (POST /api/v1/staff/firmware, multipart), signed by the test key unless `sig` is given; its SHA-256. */
export async function uploadFirmware(
  staff: APIRequestContext,
  p: { model: string; version: string; image: Uint8Array; sig?: string; notes?: string },
): Promise<string> {
  const r = await staff.post("/api/v1/staff/firmware", {
    multipart: {
      model: p.model,
      version: p.version,
      sig: p.sig ?? signTestImage(p.model, p.version, p.image),
      notes: p.notes ?? "",
      image: { name: "image.bin", mimeType: "application/octet-stream", buffer: Buffer.from(p.image) },
    },
  });
  if (r.status() !== 200 && r.status() !== 201) throw new Error(`upload refused: ${r.status()} ${await r.text()}`);
  return ((await r.json()) as { sha256: string }).sha256;
}
