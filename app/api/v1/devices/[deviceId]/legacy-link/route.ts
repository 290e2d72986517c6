import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { linkLegacyNodeRequest } from "@/lib/legacy/api";

// The owner links their claimed device to their legacy node: its history moves over (still
// unverified) and the node's hardware id is refused by the unsigned route from then on.
export const POST = userRoute(
  async ({ req, actor, user, params }) =>
    json(await linkLegacyNodeRequest(actor, user, params.deviceId, await readJson(req, SMALL_BODY_BYTES))),
  { refusals: "legacy.link_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
