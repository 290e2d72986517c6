import { listMySessions, signOutEverywhere } from "@/lib/accounts/api";
import { json, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const GET = userRoute(async ({ user }) => json(await listMySessions(user)));

/** Sign out everywhere, this browser included. */
export const DELETE = userRoute(async ({ user, actor }) => json(await signOutEverywhere(actor, user)));

export const { POST, PUT, PATCH } = methodsNotAllowed("GET", "DELETE");
