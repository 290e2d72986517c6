import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { deleteModelRequest } from "@/lib/models/api";

export const DELETE = userRoute(async ({ actor, params }) => json(await deleteModelRequest(actor, params.model)), {
  staff: true,
  refusals: "model.refused",
});

export const { GET, POST, PUT, PATCH } = methodsNotAllowed("DELETE");
