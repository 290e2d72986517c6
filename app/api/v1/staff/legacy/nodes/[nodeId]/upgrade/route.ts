import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { staffUpgradeRequest } from "@/lib/legacy/api";

export const POST = userRoute(
  async ({ req, actor, params }) =>
    json(await staffUpgradeRequest(actor, params.nodeId, await readJson(req, SMALL_BODY_BYTES))),
  { staff: true, refusals: "legacy.link_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
