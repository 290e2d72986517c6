import { endMySession } from "@/lib/accounts/api";
import { userRoute } from "@/lib/http/route";

export const DELETE = userRoute(async ({ user, actor, params }) => {
  await endMySession(actor, user, params.sessionId);
  return new Response(null, { status: 204 });
});
