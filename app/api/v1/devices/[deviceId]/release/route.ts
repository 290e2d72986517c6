import { releaseDeviceRequest } from "@/lib/devices/api";
import { userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(
  async ({ actor, user, params }) => {
    await releaseDeviceRequest(actor, user, params.deviceId);
    return new Response(null, { status: 204 });
  },
  { refusals: "device.release_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
