import type { IncomingMessage, ServerResponse } from "node:http";

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
export type DirectRoutes = {
  pollSession: Handler;
  answerChallenge: Handler;
  createClaim?: Handler;
  waitForClaim?: Handler;
};
export type DirectRoute = { handler: Handler; params: Record<string, string> };

export declare const DIRECT_ROUTES: symbol;
export declare function directRoutes(): DirectRoutes | undefined;
export declare function directRouteFor(
  req: Pick<IncomingMessage, "method" | "url">,
  routes?: DirectRoutes,
): DirectRoute | null;
export declare function answerDirect(route: DirectRoute, req: IncomingMessage, res: ServerResponse): Promise<void>;
