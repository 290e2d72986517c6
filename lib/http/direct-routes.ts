import { answerChallengeRequest, pollSessionRequest } from "../provisioning/api";
import { provisioningRoute, type RouteHandler } from "./device-route";

// The device routes the app's own server (scripts/start.mjs) answers itself, without Next's
// per-request routing and rendering machinery: the long poll, which every waiting device holds
// open and renews, and the answer to a challenge, which every claim waits on
// (docs/decisions/0010). The same handler serves the route under Next
// (`next dev`, or a request the server does not recognise), so both answer alike.

/** GET /api/v1/provisioning/sessions/{sid}?wait=N, the device's long poll. */
export const pollSessionRoute: RouteHandler = provisioningRoute(pollSessionRequest, {
  refusals: "session.poll_refused",
});

/** POST /api/v1/provisioning/sessions/{sid}/claims/{claimId}, the device's answer to a challenge. */
export const answerChallengeRoute: RouteHandler = provisioningRoute(answerChallengeRequest, {
  refusals: "claim.answer_refused",
});

/** Where scripts/start.mjs finds the handlers: set once the server starts (instrumentation.ts). */
export const DIRECT_ROUTES = Symbol.for("claimlink.direct-routes");
type UserRouteHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type DirectRoutes = {
  pollSession: RouteHandler;
  answerChallenge: RouteHandler;
  /** The claim and the claimant's wait (lib/http/claim-routes.ts), registered after these. */
  createClaim?: UserRouteHandler;
  waitForClaim?: UserRouteHandler;
};

export function registerDirectRoutes(): void {
  (globalThis as typeof globalThis & { [DIRECT_ROUTES]?: DirectRoutes })[DIRECT_ROUTES] = {
    pollSession: pollSessionRoute,
    answerChallenge: answerChallengeRoute,
  };
}
