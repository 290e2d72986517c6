import { waitForClaimRoute } from "@/lib/http/claim-routes";
import { methodsNotAllowed } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// scripts/start.mjs answers this GET itself (lib/http/claim-routes.ts); Next serves it too.
export const GET = waitForClaimRoute;

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");
