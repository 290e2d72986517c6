import { postMeasurements } from "@/lib/devices/device-api";
import { MAX_MEASUREMENTS_BYTES } from "@/lib/devices/measurements";
import { otherMethods, deviceRoute } from "@/lib/http/device-route";

export const POST = deviceRoute(postMeasurements, { maxBytes: MAX_MEASUREMENTS_BYTES });

export const { GET, PUT, PATCH, DELETE } = otherMethods("POST");
