import { acceptPasswordResetRequest } from "@/lib/accounts/api";
import { apiRoute, json, readJson } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = apiRoute(async ({ req, ip }) => json(await acceptPasswordResetRequest(await readJson(req), ip)), {
  refusals: "password_reset.accept_refused",
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
