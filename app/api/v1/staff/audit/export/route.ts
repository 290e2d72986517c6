import { auditLogCsv } from "@/lib/audit/api";
import { csvResponse } from "@/lib/http/csv-response";
import { queryOf } from "@/lib/http/request";
import { userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const GET = userRoute(
  async ({ req }) => csvResponse(await auditLogCsv(queryOf(req)), `audit-${new Date().toISOString().slice(0, 10)}.csv`),
  { staff: true },
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
