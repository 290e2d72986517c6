import { exportAllCsv } from "@/lib/devices/export-api";
import { csvResponse } from "@/lib/http/csv";
import { userRoute } from "@/lib/http/route";
import { queryOf } from "@/lib/http/request";
import { methodsNotAllowed } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = userRoute(async ({ req, actor }) => csvResponse(await exportAllCsv(actor, queryOf(req))), {
  staff: true,
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
