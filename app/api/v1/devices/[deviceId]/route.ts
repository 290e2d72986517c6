import { renameMyDevice } from "@/lib/devices/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const PATCH = userRoute(
  async ({ req, actor, user, params }) =>
    json(await renameMyDevice(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES))),
  { refusals: "device.rename_refused" },
);

export const { GET, POST, PUT, DELETE } = methodsNotAllowed("PATCH");
