import { ownerCommandRequest } from "@/lib/devices/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(
  async ({ req, actor, user, params }) =>
    json(await ownerCommandRequest(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES)), 201),
  { refusals: "device.command_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
