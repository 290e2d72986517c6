import { createHash } from "node:crypto";
import type { APIRequestContext } from "@playwright/test";
import { firmwareSigned } from "../device/firmware-update";
import { signFirmwareText, TEST_FIRMWARE_PUBLIC_KEY } from "../scripts/test-keys.mjs";

// Firmware images for e2e tests: the test firmware key of docs/protocol.md's vectors (tests only;
// its public half is the e2e server's CLAIMLINK_FIRMWARE_KEYS, scripts/test-keys.mjs).

export { TEST_FIRMWARE_PUBLIC_KEY };

/** firmwareSig (section 7) of an image by the test firmware key. */
export function signTestImage(model: string, version: string, image: Uint8Array): string {
  const sha256 = createHash("sha256").update(image).digest("hex");
  return signFirmwareText(firmwareSigned({ model, version, size: image.length, sha256 }));
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
