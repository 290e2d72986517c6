import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { setLegacySettingsRequest } from "@/lib/legacy/api";

export const PUT = userRoute(
  async ({ req, actor, user }) =>
    json(await setLegacySettingsRequest(actor, user, await readJson(req, SMALL_BODY_BYTES))),
  { staff: true, refusals: "legacy.settings_refused" },
);

export const { GET, POST, PATCH, DELETE } = methodsNotAllowed("PUT");
