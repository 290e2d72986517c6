import { runCliRequest } from "@/lib/cli/internal-endpoint";
import { apiRoute, json, readJson } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const POST = apiRoute(async ({ req }) => json(await runCliRequest(req.headers, await readJson(req))));

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
