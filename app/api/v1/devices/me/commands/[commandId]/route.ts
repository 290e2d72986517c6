import { postCommandAck } from "@/lib/devices/device-api";
import { otherMethods, deviceRoute } from "@/lib/http/device-route";

export const POST = deviceRoute(postCommandAck);

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
