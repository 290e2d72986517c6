import { readText } from "@/lib/http/csv";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { importLegacyNodesRequest } from "@/lib/legacy/api";
import { MAX_IMPORT_BYTES } from "@/lib/legacy/schemas";

// CSV lines `hardware id, owner email, name`; the answer reports each line registered or why not.
export const POST = userRoute(
  async ({ req, actor }) => json(await importLegacyNodesRequest(actor, await readText(req, MAX_IMPORT_BYTES))),
  { staff: true, refusals: "legacy.import_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
