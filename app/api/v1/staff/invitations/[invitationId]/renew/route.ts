import { renewInvitationLink } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(
  async ({ actor, params }) => json(await renewInvitationLink(actor, params.invitationId)),
  { staff: true },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
