import { cancelInvitation } from "@/lib/accounts/api";
import { userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const DELETE = userRoute(
  async ({ actor, params }) => {
    await cancelInvitation(actor, params.invitationId);
    return new Response(null, { status: 204 });
  },
  { staff: true },
);

export const { GET, POST, PUT, PATCH } = methodsNotAllowed("DELETE");
