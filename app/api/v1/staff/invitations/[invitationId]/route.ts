import { cancelInvitation } from "@/lib/accounts/api";
import { userRoute } from "@/lib/http/route";

export const DELETE = userRoute(async ({ actor, params }) => {
  await cancelInvitation(actor, params.invitationId);
  return new Response(null, { status: 204 });
}, { staff: true });
