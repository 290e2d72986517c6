import { myDeviceSeries } from "@/lib/devices/api";
import { json, userRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = userRoute(async ({ req, user, params }) => json(await myDeviceSeries(user, params.deviceId, new URL(req.url).searchParams.get("range"))));
