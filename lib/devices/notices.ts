import { and, eq, isNull, lt, sql } from "drizzle-orm";
import { recordAudit, type Actor } from "../audit/record";
import type { Db } from "../db/client";
import { deviceCredentials, devices, provisioningSessions, users } from "../db/schema";
import { countHit } from "../rate-limit";
import { deviceNoticeMail, deviceSharedMail, type MailRecipient } from "../mail/messages";
import { mailEnabled, sendMailQuietly, type Mail } from "../mail/send";
import { loggableError } from "../errors/problem";
import { enqueueWebhookEvent } from "../webhooks/events";

// Mail to a device's owner about what happened to it. Sent only with mail configured, never
// inside a transaction, and never for a kind the person switched off on /account.

export const NOTICE_KINDS = ["device_claimed", "wrong_code", "device_silent", "staff_revoked"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export const NOTICE_LABELS: Record<NoticeKind, string> = {
  device_claimed: "A device was claimed into my account",
  wrong_code: "Someone tried a wrong code on one of my devices",
  device_silent: "One of my devices has sent nothing for a long time",
  staff_revoked: "The project team revoked one of my devices",
};

/** The kinds of notice switched on for an account. */
export async function noticePreferences(db: Db, userId: string): Promise<Record<NoticeKind, boolean>> {
  const [u] = await db.select({ off: users.noticesOff }).from(users).where(eq(users.id, userId));
  const off = new Set(u?.off ?? []);
  return Object.fromEntries(NOTICE_KINDS.map((k) => [k, !off.has(k)])) as Record<NoticeKind, boolean>;
}

/** Switches kinds of notice off (the rest on). Audited. */
export async function setNoticePreferences(db: Db, actor: Actor & { id: string }, off: NoticeKind[]) {
  const unique = [...new Set(off)].sort();
  await db.transaction(async (tx) => {
    await tx.update(users).set({ noticesOff: unique, updatedAt: new Date() }).where(eq(users.id, actor.id));
    await recordAudit(tx, actor, {
      action: "account.notices_changed",
      outcome: "success",
      subjectUserId: actor.id,
      detail: { off: unique },
    });
  });
  return noticePreferences(db, actor.id);
}

const WRONG_CODE_NOTICE_LIMIT = { max: 1, windowSeconds: 3600 };

async function recipient(db: Db, userId: string, kind: NoticeKind): Promise<MailRecipient | null> {
  const [u] = await db.select().from(users).where(eq(users.id, userId));
  if (!u || u.disabledAt || u.noticesOff.includes(kind)) return null;
  return { email: u.email, name: u.name, locale: u.locale };
}

type DeviceRef = { id: string; name: string; ownerId: string };

async function deviceRef(db: Db, deviceId: string): Promise<DeviceRef | null> {
  const [d] = await db
    .select({ id: devices.id, name: devices.name, ownerId: devices.ownerId })
    .from(devices)
    .where(eq(devices.id, deviceId));
  return d ?? null;
}

/**
 * Mails the owner of `deviceId` a notice of `kind`, unless mail is off, the owner switched the
 * kind off or the account is disabled. Never throws (a failure is logged). Returns whether it was sent.
 */
export async function noticeOwner(db: Db, publicUrl: string, deviceId: string, kind: NoticeKind): Promise<boolean> {
  if (!mailEnabled()) return false;
  try {
    const d = await deviceRef(db, deviceId);
    if (!d) return false;
    const to = await recipient(db, d.ownerId, kind);
    if (!to) return false;
    // A flood of attempts on one device makes one warning an hour, not a mailbox full.
    if (kind === "wrong_code") {
      const hit = await countHit(db, `notice:wrong_code:${d.id}`, WRONG_CODE_NOTICE_LIMIT);
      if (hit.count > WRONG_CODE_NOTICE_LIMIT.max) return false;
    }
    const url = `${publicUrl.replace(/\/$/, "")}/devices/${d.id}`;
    return await sendMailQuietly(deviceNoticeMail(to, kind, { name: d.name, url }));
  } catch (err) {
    console.error(`[mail] notice ${kind} for ${deviceId} failed:`, loggableError(err));
    return false;
  }
}

/**
 * A claim on a session that a device holding a credential started (section 5) was refused
 * because the device is another account's: its owner is warned (kind "wrong_code").
 */
export async function noticeClaimAttempt(db: Db, publicUrl: string, sid: string): Promise<boolean> {
  if (!mailEnabled()) return false;
  const [s] = await db
    .select({ deviceId: provisioningSessions.boundDeviceId })
    .from(provisioningSessions)
    .where(eq(provisioningSessions.sid, sid))
    .catch(() => []);
  return s?.deviceId ? noticeOwner(db, publicUrl, s.deviceId, "wrong_code") : false;
}

/** Tells the account a device was shared with it (not a switchable kind: it is about their account). */
export function sharedNotice(
  publicUrl: string,
  to: MailRecipient,
  ownerName: string,
  device: DeviceRef,
): Promise<boolean> {
  const mail: Mail = deviceSharedMail(
    to,
    ownerName,
    device.name,
    `${publicUrl.replace(/\/$/, "")}/devices/${device.id}`,
  );
  return sendMailQuietly(mail);
}

/**
 * Devices that fell silent `hours` ago or more and whose owner was not yet told about this
 * outage. Marking them (the outage's last contact) is a conditional UPDATE, so whichever process
 * runs first takes each outage once: one notice per outage, however often housekeeping runs.
 * A device heard from again starts a new outage. Only devices that hold a live credential count.
 */
export async function takeSilentDevices(db: Db, hours: number, now = Date.now()): Promise<string[]> {
  const cutoff = new Date(now - hours * 3600_000);
  return db.transaction(async (tx) => {
    const rows = await tx
      .update(devices)
      .set({ silenceNoticeFor: sql`${devices.lastSeenAt}` })
      .where(
        and(
          isNull(devices.releasedAt),
          isNull(devices.lostAt),
          lt(devices.lastSeenAt, cutoff),
          sql`${devices.silenceNoticeFor} is distinct from ${devices.lastSeenAt}`,
          sql`exists (select 1 from ${deviceCredentials} where ${deviceCredentials.deviceId} = ${devices.id} and ${deviceCredentials.revokedAt} is null)`,
        ),
      )
      .returning({ id: devices.id, model: devices.model, studyId: devices.studyId, lastSeenAt: devices.lastSeenAt });
    // In the same transaction: each outage is one device.silent event, as it is one notice.
    for (const r of rows)
      await enqueueWebhookEvent(tx, "device.silent", {
        deviceId: r.id,
        model: r.model,
        studyId: r.studyId,
        lastSeenAt: r.lastSeenAt ?? cutoff,
      });
    return rows.map((r) => r.id);
  });
}

/** Housekeeping's part: takes the newly silent devices and mails their owners. Returns how many were mailed. */
export async function sendSilenceNotices(db: Db, publicUrl: string, hours: number, now = Date.now()) {
  const ids = await takeSilentDevices(db, hours, now);
  let sent = 0;
  for (const id of ids) if (await noticeOwner(db, publicUrl, id, "device_silent")) sent++;
  return { silent: ids.length, sent };
}
