import { changeMyProfile } from "@/lib/accounts/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** Changes the display name. */
export const PATCH = userRoute(async ({ req, user, actor }) =>
  json(await changeMyProfile(actor, user, await readJson(req, SMALL_BODY_BYTES))),
);

export const { GET, POST, PUT, DELETE } = methodsNotAllowed("PATCH");
