import { endShareRequest } from "@/lib/devices/api";
import { userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const DELETE = userRoute(
  async ({ actor, user, params }) => {
    await endShareRequest(actor, user, params.deviceId, params.shareId);
    return new Response(null, { status: 204 });
  },
  { refusals: "device.share_end_refused" },
);

export const { GET, POST, PUT, PATCH } = methodsNotAllowed("DELETE");
