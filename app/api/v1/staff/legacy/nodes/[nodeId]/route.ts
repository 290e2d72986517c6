import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { patchLegacyNodeRequest } from "@/lib/legacy/api";

export const PATCH = userRoute(
  async ({ req, actor, params }) =>
    json(await patchLegacyNodeRequest(actor, params.nodeId, await readJson(req, SMALL_BODY_BYTES))),
  { staff: true, refusals: "legacy.update_refused" },
);

export const { GET, POST, PUT, DELETE } = methodsNotAllowed("PATCH");
