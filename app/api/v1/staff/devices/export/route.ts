import { fleetCsv } from "@/lib/devices/api";
import { csvResponse } from "@/lib/http/csv-response";
import { queryOf } from "@/lib/http/request";
import { userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const GET = userRoute(
  async ({ req }) => csvResponse(await fleetCsv(queryOf(req)), `fleet-${new Date().toISOString().slice(0, 10)}.csv`),
  { staff: true },
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
