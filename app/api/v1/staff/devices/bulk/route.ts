import { bulkActionRequest, bulkPreview } from "@/lib/devices/api";
import { queryOf } from "@/lib/http/request";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** How many devices the filter in the query reaches: what the confirmation states. */
export const GET = userRoute(async ({ req }) => json(await bulkPreview(queryOf(req))), { staff: true });

export const POST = userRoute(
  async ({ req, actor }) => json(await bulkActionRequest(actor, await readJson(req, SMALL_BODY_BYTES))),
  { staff: true, refusals: "device.bulk_refused" },
);

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
