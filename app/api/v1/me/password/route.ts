import { changeMyPassword } from "@/lib/accounts/api";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** Changes the password (the current one required); the other sessions end. */
export const POST = userRoute(
  async ({ req, user, actor }) => json(await changeMyPassword(actor, user, await readJson(req, SMALL_BODY_BYTES))),
  { refusals: "password.change_refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
