import { revokeDeviceRequest } from "@/lib/devices/api";
import { json, userRoute } from "@/lib/http/route";

export const POST = userRoute(async ({ actor, params }) => json(await revokeDeviceRequest(actor, params.deviceId)), { staff: true });
