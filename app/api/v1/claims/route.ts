import { createClaimRoute } from "@/lib/http/claim-routes";
import { methodsNotAllowed } from "@/lib/http/methods";

// scripts/start.mjs answers this POST itself (lib/http/claim-routes.ts); Next serves it too.
export const POST = createClaimRoute;

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");
