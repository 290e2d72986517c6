import { and, asc, desc, eq, isNull } from "drizzle-orm";
import type { Db } from "../db/client";
import { firmwareImages } from "../db/schema";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { toFirmwareImage, type FirmwareImage } from "./image";

// Reading firmware images (docs/protocol.md section 7): what a command names and a download
// serves. Uploading is lib/firmware/upload-image.ts, yanking lib/firmware/yank-image.ts.

export { uploadFirmwareImage } from "./upload-image";
export { toFirmwareImage, type FirmwareImage } from "./image";

/** The image stored under a SHA-256 (lower-case hex), or null; yanked images are found too. */
export async function findFirmwareImage(db: Db, sha256: string): Promise<FirmwareImage | null> {
  if (!/^[0-9a-f]{64}$/.test(sha256)) return null;
  const [row] = await db.select().from(firmwareImages).where(eq(firmwareImages.sha256, sha256));
  return row ? toFirmwareImage(row) : null;
}

/** The image of a model's version, or null. */
export async function findFirmwareVersion(db: Db, model: string, version: string): Promise<FirmwareImage | null> {
  const [row] = await db
    .select()
    .from(firmwareImages)
    .where(and(eq(firmwareImages.model, model), eq(firmwareImages.version, version)));
  return row ? toFirmwareImage(row) : null;
}

/** Whether a new command or rollout may use the image: it is not yanked. */
export function isUsable(image: Pick<FirmwareImage, "yankedAt">): boolean {
  return image.yankedAt === null;
}

/**
 * The image a new command or rollout is about to use, inside the caller's transaction: throws
 * `firmware_not_found` or `firmware_yanked`. The row is locked (FOR SHARE) until that
 * transaction ends, so a yank waits for it and cannot slip in between the check and the write.
 */
export async function requireUsableImage(tx: Db, sha256: string): Promise<FirmwareImage> {
  const [row] = /^[0-9a-f]{64}$/.test(sha256)
    ? await tx.select().from(firmwareImages).where(eq(firmwareImages.sha256, sha256)).for("share")
    : [];
  if (!row) throw new AppError("firmware_not_found", "No firmware image has this SHA-256.");
  if (!isUsable(row))
    throw new AppError("firmware_yanked", `Firmware ${row.version} for ${row.model} was yanked: no new update may use it.`);
  return toFirmwareImage(row);
}

/** A model's images, newest upload first (`usableOnly`: without the yanked ones). */
export async function listFirmwareImages(
  db: Db,
  model: string,
  opts: { usableOnly?: boolean } = {},
): Promise<FirmwareImage[]> {
  const rows = await db
    .select()
    .from(firmwareImages)
    .where(and(eq(firmwareImages.model, model), opts.usableOnly ? isNull(firmwareImages.yankedAt) : undefined))
    .orderBy(desc(firmwareImages.uploadedAt), asc(firmwareImages.version));
  return rows.map(toFirmwareImage);
}

/**
 * Where a device fetches an image: CLAIMLINK_FIRMWARE_BASE_URL followed by the hash when a
 * deployment uses a mirror or CDN (a "/" is put between them when the base ends without one),
 * else this app's own `/api/v1/firmware/<sha256>` on its public URL.
 */
export function firmwareImageUrl(
  sha256: string,
  e: { publicUrl: string; CLAIMLINK_FIRMWARE_BASE_URL?: string } = env(),
): string {
  const base = e.CLAIMLINK_FIRMWARE_BASE_URL;
  if (base) return `${base}${base.endsWith("/") ? "" : "/"}${sha256}`;
  return `${e.publicUrl}/api/v1/firmware/${sha256}`;
}
