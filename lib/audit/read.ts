import { and, desc, eq, lt, or } from "drizzle-orm";
import type { Db } from "../db/client";
import { auditEvents, type AuditEvent } from "../db/schema";

export type AuditQuery = { userId?: string; before?: number; limit?: number };

/** Newest first; `userId` keeps the events that user did or that were done to them. */
export async function listAuditEvents(db: Db, q: AuditQuery = {}): Promise<AuditEvent[]> {
  const filters = [];
  if (q.userId) filters.push(or(eq(auditEvents.actorId, q.userId), eq(auditEvents.subjectUserId, q.userId)));
  if (q.before) filters.push(lt(auditEvents.id, q.before));
  return db
    .select()
    .from(auditEvents)
    .where(filters.length ? and(...filters) : undefined)
    .orderBy(desc(auditEvents.id))
    .limit(Math.min(q.limit ?? 100, 500));
}
