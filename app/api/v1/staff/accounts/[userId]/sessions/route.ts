import { signOutAccountEverywhere } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const DELETE = userRoute(
  async ({ actor, params }) => json(await signOutAccountEverywhere(actor, params.userId)),
  { staff: true },
);

export const { GET, POST, PUT, PATCH } = methodsNotAllowed("DELETE");
