import { inviteAccount, pendingInvitations } from "@/lib/accounts/api";
import { json, readJson, userRoute } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const GET = userRoute(async () => json(await pendingInvitations()), { staff: true });

export const POST = userRoute(async ({ req, actor }) => json(await inviteAccount(actor, await readJson(req)), 201), {
  staff: true,
});

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");
