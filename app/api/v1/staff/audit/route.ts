import { readAuditLog } from "@/lib/audit/api";
import { json, userRoute } from "@/lib/http/route";

export const GET = userRoute(async ({ req }) => json(await readAuditLog(new URL(req.url).searchParams)), { staff: true });
