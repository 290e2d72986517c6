import { setMyNotices } from "@/lib/devices/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const PUT = userRoute(async ({ req, actor, user }) =>
  json(await setMyNotices(actor, user, await readJson(req, SMALL_BODY_BYTES))),
);

export const { GET, POST, PATCH, DELETE } = methodsNotAllowed("PUT");
