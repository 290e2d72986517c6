import { and, desc, eq, gte, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditEvents, type AuditEvent } from "../db/schema";

export type AuditQuery = {
  userId?: string;
  deviceId?: string;
  /** An action exactly (`device.transferred`), or a family ending in a dot (`device.`). */
  action?: string;
  from?: Date;
  to?: Date;
  before?: number;
  limit?: number;
};

/**
 * Newest first, at most 500; `userId` keeps the events that user did or that were done to them,
 * `before` is the cursor (the id of the last event of the previous page).
 */
export async function listAuditEvents(db: Db, q: AuditQuery = {}): Promise<AuditEvent[]> {
  const filters = [];
  if (q.userId) filters.push(or(eq(auditEvents.actorId, q.userId), eq(auditEvents.subjectUserId, q.userId)));
  if (q.deviceId) filters.push(eq(auditEvents.subjectDeviceId, q.deviceId));
  if (q.action)
    filters.push(
      q.action.endsWith(".")
        ? and(gte(auditEvents.action, q.action), lt(auditEvents.action, q.action.slice(0, -1) + "/"))
        : eq(auditEvents.action, q.action),
    );
  if (q.from) filters.push(gte(auditEvents.at, q.from));
  if (q.to) filters.push(lt(auditEvents.at, q.to));
  if (q.before) filters.push(lt(auditEvents.id, q.before));
  return db
    .select()
    .from(auditEvents)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(Math.min(q.limit ?? 100, 500));
}
