import { fleet } from "@/lib/devices/api";
import { queryOf } from "@/lib/http/request";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const GET = userRoute(async ({ req }) => json(await fleet(queryOf(req))), { staff: true });

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
