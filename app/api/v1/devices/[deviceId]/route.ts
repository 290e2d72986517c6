import { renameMyDevice } from "@/lib/devices/api";
import { SMALL_BODY_BYTES } from "@/lib/provisioning/api";
import { json, readJson, userRoute } from "@/lib/http/route";

export const PATCH = userRoute(async ({ req, actor, user, params }) => json(await renameMyDevice(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES))));
