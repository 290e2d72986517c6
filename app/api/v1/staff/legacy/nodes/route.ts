import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { legacyForStaff, registerLegacyNodeRequest } from "@/lib/legacy/api";

export const dynamic = "force-dynamic";

export const GET = userRoute(async () => json(await legacyForStaff()), { staff: true });

export const POST = userRoute(
  async ({ req, actor }) => json(await registerLegacyNodeRequest(actor, await readJson(req, SMALL_BODY_BYTES)), 201),
  { staff: true, refusals: "legacy.register_refused" },
);

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
