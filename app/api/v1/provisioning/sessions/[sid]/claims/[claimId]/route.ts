import { answerChallengeRequest, SMALL_BODY_BYTES } from "@/lib/provisioning/api";
import { apiRoute, json, readJson } from "@/lib/http/route";

export const POST = apiRoute(async ({ req, params, ip }) => json(await answerChallengeRequest(req, params, ip, await readJson(req, SMALL_BODY_BYTES))));
