import { revokeDeviceRequest } from "@/lib/devices/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(async ({ actor, params }) => json(await revokeDeviceRequest(actor, params.deviceId)), {
  staff: true,
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
