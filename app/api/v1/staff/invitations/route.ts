import { inviteAccount, pendingInvitations } from "@/lib/accounts/api";
import { json, readJson, userRoute } from "@/lib/http/route";

export const GET = userRoute(async () => json(await pendingInvitations()), { staff: true });

export const POST = userRoute(async ({ req, actor }) => json(await inviteAccount(actor, await readJson(req)), 201), { staff: true });
