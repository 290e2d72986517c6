import { transferDeviceRequest } from "@/lib/devices/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(
  async ({ req, actor, params }) =>
    json(await transferDeviceRequest(actor, params.deviceId, await readJson(req, SMALL_BODY_BYTES))),
  { staff: true, refusals: "device.transfer_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
