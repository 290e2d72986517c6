import { runCliRequest } from "@/lib/cli/internal-endpoint";
import { apiRoute, json, readJson } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const POST = apiRoute(async ({ req }) => json(await runCliRequest(req.headers, await readJson(req))));
