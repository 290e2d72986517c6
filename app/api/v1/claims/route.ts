import { createClaimRequest, SMALL_BODY_BYTES } from "@/lib/provisioning/api";
import { json, readJson, userRoute } from "@/lib/http/route";

export const POST = userRoute(async ({ req, actor, user }) => json(await createClaimRequest(actor, user, await readJson(req, SMALL_BODY_BYTES)), 202));
