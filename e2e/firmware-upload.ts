import type { APIRequestContext } from "@playwright/test";

/** Uploads a signed image as staff (POST /api/v1/staff/firmware, multipart); its SHA-256. */
export async function uploadFirmware(
  staff: APIRequestContext,
  p: { model: string; version: string; sig: string; image: Uint8Array; notes?: string },
): Promise<string> {
  const r = await staff.post("/api/v1/staff/firmware", {
    multipart: {
      model: p.model,
      version: p.version,
      sig: p.sig,
      notes: p.notes ?? "",
      image: { name: "image.bin", mimeType: "application/octet-stream", buffer: Buffer.from(p.image) },
    },
  });
  if (r.status() !== 200 && r.status() !== 201) throw new Error(`upload refused: ${r.status()} ${await r.text()}`);
  return ((await r.json()) as { sha256: string }).sha256;
}
