import { acceptInvitationRequest } from "@/lib/accounts/api";
import { apiRoute, json, readJson } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = apiRoute(async ({ req, ip }) => json(await acceptInvitationRequest(await readJson(req), ip), 201), {
  refusals: "invitation.accept_refused",
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
