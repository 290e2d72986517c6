import { auditLogCsv, readAuditLog } from "../../audit/api";
import { auditExportSchema, auditQuerySchema } from "../../audit/schemas";
import { exportAllCsv } from "../../devices/export-api";
import { exportQuerySchema } from "../../devices/schemas";
import { csvResponse } from "../../http/csv";
import { json, queryOf } from "../../http/request";
import { jsonObject } from "../answers";
import type { Area } from "../define";

const today = () => new Date().toISOString().slice(0, 10);

export const staffAudit: Area = {
  tag: "staff/audit",
  description: "The append-only audit log, and every device's readings, for staff and support.",
  routes: [
    {
      method: "GET",
      path: "/staff/audit",
      guard: "staff",
      token: "audit:read",
      summary: "A page of the audit log, newest first",
      description:
        "Filters: `account`, `device`, `action` (or a family such as `device.`), `from`, `to`; `before` is the cursor.",
      query: auditQuerySchema,
      answers: { 200: { description: "`events` and `nextBefore`.", schema: jsonObject } },
      errors: ["invalid_request"],
      handle: async ({ req }) => json(await readAuditLog(queryOf(req))),
    },
    {
      method: "GET",
      path: "/staff/audit/export",
      guard: "staff",
      token: "audit:read",
      summary: "The filtered audit log as CSV",
      query: auditExportSchema,
      answers: { 200: { description: "One line per event, newest first.", type: "text/csv" } },
      errors: ["invalid_request"],
      handle: async ({ req }) => csvResponse(await auditLogCsv(queryOf(req)), `audit-${today()}.csv`),
    },
    {
      method: "GET",
      path: "/staff/measurements/export",
      guard: "staff",
      token: "fleet:read",
      summary: "Every device's readings as CSV, with device id and name columns",
      query: exportQuerySchema,
      answers: { 200: { description: "Streamed; times in UTC.", type: "text/csv" } },
      errors: ["invalid_request"],
      handle: async ({ req, actor }) => exportAllCsv(actor, queryOf(req)),
    },
  ],
};
