import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import type { SendUpdateInput } from "./update-schemas";
import { issueFirmwareUpdate } from "./update-command";

/**
 * Staff send one device an update from its page: the command of section 7 with the expiry they
 * chose, audited with it; a refusal (another model, a withdrawn image, ...) changes nothing.
 */
export async function sendFirmwareUpdate(db: Db, actor: Actor, deviceId: string, input: SendUpdateInput) {
  const expiresAt = new Date(Date.now() + input.expiresInDays * 86_400_000);
  return db.transaction(async (tx) => {
    const { commandId } = await issueFirmwareUpdate(tx, { deviceId, sha256: input.sha256, expiresAt, issuedBy: actor.id });
    await recordAudit(tx, actor, {
      action: "firmware.update_sent",
      outcome: "success",
      subjectDeviceId: deviceId,
      detail: { commandId, sha256: input.sha256, expiresAt: expiresAt.toISOString() },
    });
    return { commandId, expiresAt };
  });
}
