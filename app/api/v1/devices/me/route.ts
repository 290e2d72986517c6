import { getDeviceProfile } from "@/lib/devices/device-api";
import { otherMethods, deviceRoute } from "@/lib/http/device-route";

export const dynamic = "force-dynamic";

export const GET = deviceRoute(getDeviceProfile);

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
