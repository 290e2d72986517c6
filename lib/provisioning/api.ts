// The staff keys page's import path from before the provisioning requests were split by who makes
// them (device-api.ts, owner-api.ts, staff-api.ts); it goes once that page imports staff-api.ts.
export { serverKeysForStaff } from "./staff-api";
