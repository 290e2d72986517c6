import { renewInvitationLink } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";

export const POST = userRoute(async ({ actor, params }) => json(await renewInvitationLink(actor, params.invitationId)), { staff: true });
