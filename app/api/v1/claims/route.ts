import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { createClaimRequest } from "@/lib/provisioning/api";
import { methodsNotAllowed } from "@/lib/http/methods";

export const POST = userRoute(
  async ({ req, actor, user, auditContext }) =>
    json(await createClaimRequest(actor, user, await readJson(req, SMALL_BODY_BYTES), auditContext), 202),
  { refusals: "claim.refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
