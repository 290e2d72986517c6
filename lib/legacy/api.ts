// The staff legacy page's import path from before the legacy requests were split by who makes
// them (node-api.ts, owner-api.ts, staff-api.ts); it goes once that page imports staff-api.ts.
export { legacyForStaff } from "./staff-api";
