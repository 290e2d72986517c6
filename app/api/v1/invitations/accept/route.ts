import { acceptInvitationRequest } from "@/lib/accounts/api";
import { apiRoute, json, readJson } from "@/lib/http/route";

export const POST = apiRoute(async ({ req, ip }) => json(await acceptInvitationRequest(await readJson(req), ip), 201));
