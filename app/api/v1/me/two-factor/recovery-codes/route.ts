import { newMyRecoveryCodes } from "@/lib/accounts/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** New recovery codes for a current code; the old ones stop working. */
export const POST = userRoute(
  async ({ req, user, actor }) => json(await newMyRecoveryCodes(actor, user, await readJson(req, SMALL_BODY_BYTES))),
  { refusals: "two_factor.refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
