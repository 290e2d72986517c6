import { createHash } from "node:crypto";
import { and, eq } from "drizzle-orm";
import { parseVersion } from "../../device/firmware-update";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceModels, firmwareChunks, firmwareImages } from "../db/schema";
import { AppError } from "../errors/app-error";
import { isUniqueViolation, parseOrThrow } from "../errors/validate";
import { FIRMWARE_CHUNK_BYTES, firmwareConfig, type FirmwareConfig } from "./config";
import { toFirmwareImage, type FirmwareImage } from "./image";
import { firmwareUploadSchema, type FirmwareUploadInput } from "./schemas";
import { verifyFirmware } from "./sign";

const MiB = (n: number) => `${(n / 1024 / 1024).toFixed(n % (1024 * 1024) ? 2 : 0)} MiB`;

/**
 * Stores an image signed offline (docs/protocol.md section 7), its bytes in chunks, in one
 * transaction with its audit event. Refuses, changing nothing and auditing the refusal (capped):
 * no firmware keys configured, an unknown model, a version outside section 7's grammar, an
 * empty or too large image, a signature that verifies under no configured firmware key, a
 * version or an image (the same bytes) already stored.
 */
export async function uploadFirmwareImage(
  db: Db,
  actor: Actor,
  input: FirmwareUploadInput & { image: Uint8Array },
  cfg: FirmwareConfig = firmwareConfig(),
): Promise<FirmwareImage> {
  const size = input.image?.length ?? 0;
  try {
    return await storeImage(db, actor, input, cfg);
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      await recordRefusal(db, actor, {
        action: "firmware.upload_refused",
        code: err.code,
        detail: { model: String(input.model).slice(0, 64), version: String(input.version).slice(0, 64), size },
      });
    throw err;
  }
}

async function storeImage(
  db: Db,
  actor: Actor,
  input: FirmwareUploadInput & { image: Uint8Array },
  cfg: FirmwareConfig,
): Promise<FirmwareImage> {
  const { image, ...fields } = input;
  const meta = parseOrThrow(firmwareUploadSchema, fields);
  if (cfg.keys.length === 0)
    throw new AppError(
      "firmware_keys_not_configured",
      "This server has no firmware keys (CLAIMLINK_FIRMWARE_KEYS), so it cannot check an image's signature.",
    );
  const [model] = await db.select({ model: deviceModels.model }).from(deviceModels).where(eq(deviceModels.model, meta.model));
  if (!model)
    throw new AppError("firmware_model_unknown", `The model “${meta.model}” is not in the model registry; add it first.`);
  if (!parseVersion(meta.version))
    throw new AppError(
      "firmware_version_invalid",
      "The version must be MAJOR.MINOR.PATCH (decimal, no leading zeros, each at most 65535), optionally with -pre-release.",
    );
  if (!(image instanceof Uint8Array) || image.length === 0) throw new AppError("invalid_request", "The image is empty.");
  if (image.length > cfg.maxBytes)
    throw new AppError("firmware_too_large", `The image is ${MiB(image.length)}; this server takes at most ${MiB(cfg.maxBytes)}.`);
  const sha256 = createHash("sha256").update(image).digest("hex");
  const manifest = { model: meta.model, version: meta.version, size: image.length, sha256 };
  const key = verifyFirmware(cfg.keys, manifest, meta.sig);
  if (!key)
    throw new AppError(
      "firmware_signature_invalid",
      `The signature does not verify under any firmware key of this server for ${meta.model} ${meta.version}, ` +
        `${image.length} bytes, SHA-256 ${sha256}: sign exactly this image, model and version.`,
    );
  try {
    return await db.transaction(async (tx) => {
      const [sameVersion] = await tx
        .select({ sha256: firmwareImages.sha256 })
        .from(firmwareImages)
        .where(and(eq(firmwareImages.model, meta.model), eq(firmwareImages.version, meta.version)));
      if (sameVersion)
        throw new AppError("firmware_version_exists", `Version ${meta.version} of ${meta.model} is already uploaded.`);
      const [sameBytes] = await tx.select().from(firmwareImages).where(eq(firmwareImages.sha256, sha256));
      if (sameBytes)
        throw new AppError("firmware_image_exists", `This image is already stored as ${sameBytes.model} ${sameBytes.version}.`);
      const [row] = await tx
        .insert(firmwareImages)
        .values({ ...manifest, kid: key.kid, sig: meta.sig, notes: meta.notes, uploadedBy: actor.id })
        .returning();
      for (let seq = 0; seq * FIRMWARE_CHUNK_BYTES < image.length; seq++) {
        const part = image.subarray(seq * FIRMWARE_CHUNK_BYTES, (seq + 1) * FIRMWARE_CHUNK_BYTES);
        await tx.insert(firmwareChunks).values({ sha256, seq, data: Buffer.from(part) });
      }
      await recordAudit(tx, actor, {
        action: "firmware.uploaded",
        outcome: "success",
        detail: { sha256, model: meta.model, version: meta.version, size: image.length, kid: key.kid },
      });
      return toFirmwareImage(row);
    });
  } catch (err) {
    // Two uploads of the same version or bytes at once: the second finds the first's row by its key.
    if (isUniqueViolation(err))
      throw new AppError("firmware_version_exists", `Version ${meta.version} of ${meta.model} (or this image) was just uploaded.`);
    throw err;
  }
}
