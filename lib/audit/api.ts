import { z } from "zod";
import { getDb } from "../db/client";
import { parseOrThrow } from "../errors/validate";
import { idSchema } from "../ids";
import { listAuditEvents } from "./read";

export const auditQuerySchema = z.strictObject({
  account: idSchema("usr").optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;

/** Staff's view of the audit log, newest first, optionally for one account. */
export async function readAuditLog(query: AuditQuery) {
  const q = parseOrThrow(auditQuerySchema, query);
  const events = await listAuditEvents(await getDb(), { userId: q.account, before: q.before, limit: q.limit ?? 100 });
  return { events };
}
