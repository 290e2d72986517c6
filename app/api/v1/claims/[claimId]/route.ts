import { waitForClaimRequest } from "@/lib/provisioning/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = userRoute(async ({ req, user, params }) =>
  json(await waitForClaimRequest(req, user, params.claimId)),
);

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
