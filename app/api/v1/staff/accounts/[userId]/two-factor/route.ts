import { resetAccountTwoFactor } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

/** Resets another account's two-factor sign-in; its sessions end. */
export const DELETE = userRoute(async ({ actor, params }) => json(await resetAccountTwoFactor(actor, params.userId)), {
  staff: true,
});

export const { GET, POST, PUT, PATCH } = methodsNotAllowed("DELETE");
