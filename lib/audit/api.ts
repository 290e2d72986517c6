import type { z } from "zod";
import { csvChunks } from "../csv";
import { getDb } from "../db/client";
import { parseOrThrow } from "../errors/validate";
import { eq } from "drizzle-orm";
import { devices, users } from "../db/schema";
import { idSchema } from "../ids";
import { listAuditEvents } from "./read";
import { auditExportSchema, auditQuerySchema, type AuditQuery } from "./schemas";

const toQuery = (q: z.infer<typeof auditExportSchema>) => ({
  userId: q.account,
  deviceId: q.device,
  action: q.action,
  from: q.from,
  to: q.to,
});

/**
 * Staff's view of the audit log, newest first, filtered by account, device, action and time;
 * `nextBefore` is the cursor of the next (older) page, null on the last.
 */
export async function readAuditLog(query: AuditQuery) {
  const q = parseOrThrow(auditQuerySchema, query);
  const limit = q.limit ?? 100;
  const rows = await listAuditEvents(await getDb(), { ...toQuery(q), before: q.before, limit: limit + 1 });
  const events = rows.slice(0, limit);
  return { events, nextBefore: rows.length > limit ? events[events.length - 1].id : null };
}

/** The filtered audit log as CSV chunks, newest first, read 500 events at a time. */
export async function auditLogCsv(query: Record<string, string>) {
  const q = toQuery(parseOrThrow(auditExportSchema, query));
  const db = await getDb();
  async function* pages() {
    let before: number | undefined;
    for (;;) {
      const page = await listAuditEvents(db, { ...q, before, limit: 500 });
      yield page;
      if (page.length < 500) return;
      before = page[page.length - 1].id;
    }
  }
  return csvChunks(
    [
      "id",
      "at",
      "actor_id",
      "actor",
      "action",
      "outcome",
      "subject_user_id",
      "subject",
      "subject_device_id",
      "ip",
      "detail",
    ],
    pages(),
    (e) => [
      e.id,
      e.at,
      e.actorId,
      e.actorLabel,
      e.action,
      e.outcome,
      e.subjectUserId,
      e.subjectLabel,
      e.subjectDeviceId,
      e.ip,
      Object.keys(e.detail).length ? JSON.stringify(e.detail) : "",
    ],
  );
}

/**
 * Who and what an audit filter's ids name, so the page says "Ann (ann@example.org)" rather than
 * an id. An id that names nothing (or is malformed) gets no label; readAuditLog judges the id.
 */
export async function auditFilterLabels(filter: { account?: string; device?: string }) {
  const db = await getDb();
  const account = idSchema("usr").safeParse(filter.account);
  const device = idSchema("dev").safeParse(filter.device);
  const [user] = account.success
    ? await db.select({ name: users.name, email: users.email }).from(users).where(eq(users.id, account.data))
    : [];
  const [dev] = device.success
    ? await db.select({ name: devices.name }).from(devices).where(eq(devices.id, device.data))
    : [];
  return { account: user ?? null, device: dev ?? null };
}
