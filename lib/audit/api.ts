import { z } from "zod";
import { getDb } from "../db/client";
import { parseOrThrow } from "../http/validate";
import { listAuditEvents } from "./read";

export const auditQuerySchema = z.strictObject({
  account: z.string().regex(/^usr_[A-Z2-7]{16}$/, "is not an account id").optional(),
  before: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});

/** Staff's view of the audit log, newest first, optionally for one account. */
export async function readAuditLog(params: URLSearchParams) {
  const q = parseOrThrow(auditQuerySchema, Object.fromEntries(params));
  const events = await listAuditEvents(await getDb(), { userId: q.account, before: q.before, limit: q.limit ?? 100 });
  return { events };
}
