import { pollSessionRequest } from "@/lib/provisioning/api";
import { apiRoute, json } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = apiRoute(async ({ req, params }) => json(await pollSessionRequest(req, params.sid)));
