// The entry of the router's own bundle (scripts/build-api.mjs), which scripts/start.mjs loads
// to answer /api/v1 without Next's per-request machinery (docs/decisions/0011).
export { handleApiRequest, openApiDocument } from "./router";
export { checkConfigurationAtStart } from "../startup";
