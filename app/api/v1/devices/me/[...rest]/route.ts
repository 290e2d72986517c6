import { unknownDeviceRoute } from "@/lib/http/device-route";

// A device-facing path with no route still gets a signed answer (docs/protocol.md section 6).
export const { GET, POST, PUT, PATCH, DELETE } = unknownDeviceRoute();
