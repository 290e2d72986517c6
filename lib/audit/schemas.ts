import { z } from "zod";
import { optionalInstantSchema } from "../dates";
import { idSchema } from "../ids";

// What staff may ask of the audit log: filters (times are a day or an RFC 3339 instant with its
// offset; empty means none), paging, and the export's filter.

const orEmpty = <T extends z.ZodType>(schema: T) =>
  z.union([z.literal("").transform(() => undefined), schema]).optional();

const auditFilterShape = {
  account: orEmpty(idSchema("usr")),
  device: orEmpty(idSchema("dev")),
  action: orEmpty(
    z
      .string()
      .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)*\.?$/, "is not an action name")
      .max(80),
  ),
  from: optionalInstantSchema,
  /** Exclusive; a day means "before that day starts". */
  to: optionalInstantSchema,
};

export const auditQuerySchema = z.strictObject({
  ...auditFilterShape,
  before: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
  limit: z.coerce.number().int().min(1).max(500).optional(),
});
export type AuditQuery = z.input<typeof auditQuerySchema>;
export const auditExportSchema = z.strictObject(auditFilterShape);
