import { changeAccount } from "@/lib/accounts/api";
import { json, readJson, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const PATCH = userRoute(
  async ({ req, actor, params }) => json(await changeAccount(actor, params.userId, await readJson(req))),
  { staff: true },
);

export const { GET, POST, PUT, DELETE } = methodsNotAllowed("PATCH");
