import { staffDevice } from "@/lib/devices/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const GET = userRoute(async ({ params }) => json(await staffDevice(params.deviceId)), { staff: true });

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
