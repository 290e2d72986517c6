import { SMALL_BODY_BYTES, startSessionRequest } from "@/lib/provisioning/api";
import { apiRoute, json, readJson } from "@/lib/http/route";

export const POST = apiRoute(async ({ req, ip }) => {
  const r = await startSessionRequest(req, ip, () => readJson(req, SMALL_BODY_BYTES));
  return r instanceof Response ? r : json(r.body, r.status);
});
