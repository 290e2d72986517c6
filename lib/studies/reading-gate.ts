import { and, eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { enrolments, studies, type Device } from "../db/schema";
import { AppError } from "../errors/app-error";
import { consentState } from "./consent";

/** How long a device whose readings are paused is told to wait before sending them again. */
export const PAUSED_RETRY_SECONDS = 3600;

/**
 * Whether a device claimed for a study may store readings now (docs/studies.md "Re-consent").
 * A participant asked to consent again, in a study whose setting is `pause`: the batch is
 * refused with `rate_limited` and a Retry-After, which every device already handles by keeping
 * its readings and sending them again later (docs/protocol.md section 4), so nothing is stored
 * without consent and nothing is lost if they consent. A withdrawn participant's device is
 * refused as revoked (withdrawal revoked its credentials already). One indexed read per batch,
 * only for devices in a study.
 */
export async function requireReadingsAccepted(db: Db, device: Pick<Device, "studyId" | "ownerId">): Promise<void> {
  if (!device.studyId) return;
  const [row] = await db
    .select({ e: enrolments, setting: studies.pendingConsentReadings })
    .from(enrolments)
    .innerJoin(studies, eq(studies.id, enrolments.studyId))
    .where(and(eq(enrolments.studyId, device.studyId), eq(enrolments.userId, device.ownerId)));
  if (!row || row.e.withdrawnAt)
    throw new AppError(
      "credential_revoked",
      "This device's participant has left the study. Provision the device again.",
    );
  if (row.setting === "pause" && (await consentState(db, row.e)) === "reconsent_pending")
    throw new AppError(
      "rate_limited",
      `Readings are paused until the participant answers the study's new consent text. Send them again in ${PAUSED_RETRY_SECONDS} s.`,
      { retryAfterSeconds: PAUSED_RETRY_SECONDS },
    );
}
