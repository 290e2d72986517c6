import { signOutAccountEverywhere } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";

export const DELETE = userRoute(async ({ actor, params }) => json(await signOutAccountEverywhere(actor, params.userId)), { staff: true });
