import { endMySession } from "@/lib/accounts/api";
import { userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const DELETE = userRoute(async ({ user, actor, params }) => {
  await endMySession(actor, user, params.sessionId);
  return new Response(null, { status: 204 });
});

export const { GET, POST, PUT, PATCH } = methodsNotAllowed("DELETE");
