import { reportLostRequest } from "@/lib/devices/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(
  async ({ actor, user, params }) => json(await reportLostRequest(actor, user, params.deviceId)),
  { refusals: "device.lost_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
