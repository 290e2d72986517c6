import { queueCommandRequest } from "@/lib/devices/api";
import { SMALL_BODY_BYTES } from "@/lib/provisioning/api";
import { json, readJson, userRoute } from "@/lib/http/route";

export const POST = userRoute(
  async ({ req, actor, params }) => json(await queueCommandRequest(actor, params.deviceId, await readJson(req, SMALL_BODY_BYTES)), 201),
  { staff: true },
);
