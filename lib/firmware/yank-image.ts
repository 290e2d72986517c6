import { and, eq, isNull } from "drizzle-orm";
import { recordAudit, recordRefusal, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { firmwareImages } from "../db/schema";
import { AppError } from "../errors/app-error";
import { toFirmwareImage, type FirmwareImage } from "./image";

/**
 * Yanks an image: no new command or rollout may use it from now on (requireUsableImage refuses
 * it); devices already told to fetch it still can, the download stays. One-way. Throws
 * `firmware_not_found` or, when it already is, `firmware_yanked`; refusals audited (capped).
 */
export async function yankFirmwareImage(db: Db, actor: Actor, sha256: string): Promise<FirmwareImage> {
  try {
    return await db.transaction(async (tx) => {
      // The conditional update is the check: of two yanks at once, one changes the row.
      const [row] = /^[0-9a-f]{64}$/.test(sha256)
        ? await tx
            .update(firmwareImages)
            .set({ yankedAt: new Date(), yankedBy: actor.id })
            .where(and(eq(firmwareImages.sha256, sha256), isNull(firmwareImages.yankedAt)))
            .returning()
        : [];
      if (!row) {
        const [existing] = /^[0-9a-f]{64}$/.test(sha256)
          ? await tx.select().from(firmwareImages).where(eq(firmwareImages.sha256, sha256))
          : [];
        if (!existing) throw new AppError("firmware_not_found", "No firmware image has this SHA-256.");
        throw new AppError("firmware_yanked", `Firmware ${existing.version} for ${existing.model} is already yanked.`);
      }
      await recordAudit(tx, actor, {
        action: "firmware.yanked",
        outcome: "success",
        detail: { sha256, model: row.model, version: row.version },
      });
      return toFirmwareImage(row);
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500)
      await recordRefusal(db, actor, { action: "firmware.yank_refused", code: err.code, detail: { sha256: sha256.slice(0, 64) } });
    throw err;
  }
}
