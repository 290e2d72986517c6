import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { setModelPolicyRequest } from "@/lib/models/api";

export const PUT = userRoute(
  async ({ req, actor }) => json(await setModelPolicyRequest(actor, await readJson(req, SMALL_BODY_BYTES))),
  { staff: true, refusals: "model.refused" },
);

export const { GET, POST, PATCH, DELETE } = methodsNotAllowed("PUT");
