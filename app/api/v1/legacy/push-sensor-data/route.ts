import { apiRoute, json, readJson } from "@/lib/http/route";
import { methodsNotAllowed } from "@/lib/http/methods";
import { pushLegacyData } from "@/lib/legacy/api";
import { MAX_LEGACY_BODY_BYTES } from "@/lib/legacy/schemas";

export const dynamic = "force-dynamic";

// Unsigned data from a legacy node (docs/legacy-ingest.md), stored unverified. Refusals are
// audited at most 20 per address and code in 10 minutes, whatever hardware ids a flood makes up.
export const POST = apiRoute(
  async ({ req, ip, auditContext }) =>
    json(await pushLegacyData(req, await readJson(req, MAX_LEGACY_BODY_BYTES), ip, auditContext)),
  { refusals: "legacy.refused" },
);

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
