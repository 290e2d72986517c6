import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { previewClaimRequest } from "@/lib/provisioning/api";
import { methodsNotAllowed } from "@/lib/http/methods";

// POST, not GET: the session id stays out of URLs and logs.
export const POST = userRoute(async ({ req, user }) =>
  json(await previewClaimRequest(user, await readJson(req, SMALL_BODY_BYTES))),
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
