import { handleApiRequest } from "@/lib/api/router";

// Under `next dev` only: every /api/v1 request goes to the one router (lib/api/router.ts). In
// production scripts/start.mjs hands /api/v1 to the router's own bundle before Next sees it
// (docs/decisions/0011).
export const dynamic = "force-dynamic";

const handle = (req: Request) => handleApiRequest(req);
export {
  handle as GET,
  handle as HEAD,
  handle as POST,
  handle as PUT,
  handle as PATCH,
  handle as DELETE,
  handle as OPTIONS,
};
