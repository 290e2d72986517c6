import { lookupPasswordResetRequest } from "@/lib/accounts/api";
import { apiRoute, json, readJson } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

// POST, not GET: the token travels in the body, never in a URL.
export const POST = apiRoute(async ({ req, ip }) => json(await lookupPasswordResetRequest(await readJson(req), ip)), {
  refusals: "password_reset.lookup_refused",
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
