import { myDeviceSeries } from "@/lib/devices/api";
import { json, userRoute } from "@/lib/http/route";
import { queryOf } from "@/lib/http/request";
import { methodsNotAllowed } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = userRoute(async ({ req, user, params }) =>
  json(await myDeviceSeries(user, params.deviceId, queryOf(req))),
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
