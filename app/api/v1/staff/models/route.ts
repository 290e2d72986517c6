import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { modelsForStaff, saveModelRequest } from "@/lib/models/api";

export const dynamic = "force-dynamic";

export const GET = userRoute(async () => json(await modelsForStaff()), { staff: true });

export const POST = userRoute(
  async ({ req, actor }) => json(await saveModelRequest(actor, await readJson(req, SMALL_BODY_BYTES))),
  { staff: true, refusals: "model.refused" },
);

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
