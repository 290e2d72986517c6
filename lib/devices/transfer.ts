import { z } from "zod";
import { and, eq, isNull, sql } from "drizzle-orm";
import { emailSchema } from "../accounts/schemas";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceShares, devices, users } from "../db/schema";
import { AppError } from "../errors/app-error";
import { hasNoControlChars } from "../errors/validate";

export const transferInputSchema = z.strictObject({
  email: emailSchema,
  reason: z
    .string()
    .trim()
    .min(3, "is required (at least 3 characters)")
    .max(500, "must be at most 500 characters")
    .refine(hasNoControlChars, "must not contain control characters"),
});
export type TransferInput = z.infer<typeof transferInputSchema>;

/**
 * Staff move a device to another account, with a reason (audited). The device keeps its id,
 * credential, history and pending commands; the new owner sees it at once and the old one no
 * longer does. Its name is kept, suffixed when the new owner already uses it. Refuses with
 * `device_not_found` (unknown or released device), `not_found` (no enabled account with that
 * email) or `conflict` (the account already owns it).
 */
export async function transferDevice(
  db: Db,
  actor: Actor,
  deviceId: string,
  input: TransferInput,
): Promise<{ id: string; name: string; ownerId: string; ownerEmail: string }> {
  return db.transaction(async (tx) => {
    const [d] = await tx
      .select()
      .from(devices)
      .where(and(eq(devices.id, deviceId), isNull(devices.releasedAt)))
      .for("update");
    if (!d) throw new AppError("device_not_found", "No such device (or its owner released it).");
    const [to] = await tx
      .select()
      .from(users)
      .where(and(eq(users.email, input.email), isNull(users.disabledAt)));
    if (!to) throw new AppError("not_found", `No enabled account has the email ${input.email}.`);
    if (to.id === d.ownerId) throw new AppError("conflict", `${input.email} already owns this device.`);
    const [from] = await tx.select({ email: users.email }).from(users).where(eq(users.id, d.ownerId));
    const name = await freeName(tx, to.id, d.name);
    await tx.update(devices).set({ ownerId: to.id, name }).where(eq(devices.id, d.id));
    // The former owner's shares were theirs to give: the new owner starts with none.
    const ended = await tx
      .update(deviceShares)
      .set({ endedAt: new Date(), endedReason: "transferred" })
      .where(and(eq(deviceShares.deviceId, d.id), isNull(deviceShares.endedAt)))
      .returning({ id: deviceShares.id });
    await recordAudit(tx, actor, {
      action: "device.transferred",
      outcome: "success",
      subjectUserId: to.id,
      subjectLabel: to.email,
      subjectDeviceId: d.id,
      detail: {
        fromUserId: d.ownerId,
        fromEmail: from?.email ?? null,
        toUserId: to.id,
        reason: input.reason,
        name,
        sharesEnded: ended.map((e) => e.id),
      },
    });
    return { id: d.id, name, ownerId: to.id, ownerEmail: to.email };
  });
}

/** `name`, or `name (2)`, `name (3)`… : the first the owner does not use (names are unique per owner). */
async function freeName(tx: Db, ownerId: string, name: string): Promise<string> {
  for (let i = 1; ; i++) {
    const suffix = i === 1 ? "" : ` (${i})`;
    const candidate = `${name.slice(0, 60 - suffix.length)}${suffix}`;
    const [taken] = await tx
      .select({ id: devices.id })
      .from(devices)
      .where(and(eq(devices.ownerId, ownerId), sql`lower(${devices.name}) = lower(${candidate})`));
    if (!taken) return candidate;
  }
}
