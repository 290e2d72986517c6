import { createClaimRequest, waitForClaimRequest } from "../provisioning/api";
import { DIRECT_ROUTES, type DirectRoutes } from "./direct-routes";
import { json, readJson, SMALL_BODY_BYTES, userRoute } from "./route";

// The two requests every claim makes from the person's browser, which scripts/start.mjs also
// answers itself (docs/decisions/0010): the claim, and the wait for its outcome. The same
// handlers serve the App Router routes, so both answer alike: session cookie, same-origin check
// and refusals as every signed-in route (lib/http/route.ts).

/** POST /api/v1/claims: a signed-in person claims the device whose code they scanned. */
export const createClaimRoute = userRoute(
  async ({ req, actor, user, auditContext }) =>
    json(await createClaimRequest(actor, user, await readJson(req, SMALL_BODY_BYTES), auditContext), 202),
  { refusals: "claim.refused" },
);

/** GET /api/v1/claims/{claimId}?wait=N: the claimant waits for the device's answer. */
export const waitForClaimRoute = userRoute(async ({ req, user, params }) =>
  json(await waitForClaimRequest(req, user, params.claimId)),
);

/** Adds the claim routes to the handlers scripts/start.mjs answers (instrumentation.ts, after registerDirectRoutes). */
export function registerDirectClaimRoutes(): void {
  const g = globalThis as typeof globalThis & { [DIRECT_ROUTES]?: DirectRoutes };
  if (!g[DIRECT_ROUTES]) throw new Error("registerDirectRoutes() must run first");
  g[DIRECT_ROUTES] = { ...g[DIRECT_ROUTES], createClaim: createClaimRoute, waitForClaim: waitForClaimRoute };
}
