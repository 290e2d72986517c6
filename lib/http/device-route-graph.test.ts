import { readdirSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it, vi } from "vitest";

// The device API must not load the session or auth code (lib/http/device-route.ts): a device
// request is authenticated by its signature alone, and next-auth at import time would tie the
// device path to the web session machinery. Each module that would reveal it is replaced by a
// factory that records that it was loaded; lib/http/route.test.ts proves the detection works.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock("next-auth", () => {
  loaded.add("next-auth");
  return { default: () => ({}), CredentialsSignin: class extends Error {} };
});
vi.mock("next-auth/providers/credentials", () => {
  loaded.add("next-auth/providers/credentials");
  return { default: () => ({}) };
});
vi.mock("next/headers", () => {
  loaded.add("next/headers");
  return { headers: () => new Headers(), cookies: () => ({}) };
});
vi.mock("next/navigation", () => {
  loaded.add("next/navigation");
  return { redirect: () => {}, notFound: () => {} };
});

const ROOT = path.resolve(import.meta.dirname, "../..");
// The claim routes too: scripts/start.mjs answers the claim and the claimant's wait outside
// Next's request scope (docs/decisions/0010), where next/headers would fail.
const DEVICE_ROUTE_DIRS = ["app/api/v1/devices/me", "app/api/v1/provisioning", "app/api/v1/claims"];

function routeFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
    .filter((f) => path.basename(f) === "route.ts")
    .map((f) => path.join(ROOT, dir, f))
    .sort();
}

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type RouteModule = Record<string, Handler>;
const routes = new Map<string, RouteModule>();

const files = DEVICE_ROUTE_DIRS.flatMap(routeFiles);

beforeAll(async () => {
  for (const f of files) routes.set(path.relative(path.join(ROOT, "app"), path.dirname(f)), await import(f));
});

describe("the device route module graph", () => {
  it("loads neither next-auth nor next/headers nor next/navigation", () => {
    expect(files.map((f) => path.relative(ROOT, f))).toEqual([
      "app/api/v1/devices/me/[...rest]/route.ts",
      "app/api/v1/devices/me/commands/[commandId]/route.ts",
      "app/api/v1/devices/me/measurements/route.ts",
      "app/api/v1/devices/me/route.ts",
      "app/api/v1/provisioning/[...rest]/route.ts",
      "app/api/v1/provisioning/sessions/[sid]/claims/[claimId]/route.ts",
      "app/api/v1/provisioning/sessions/[sid]/route.ts",
      "app/api/v1/provisioning/sessions/route.ts",
      "app/api/v1/claims/[claimId]/route.ts",
      "app/api/v1/claims/preview/route.ts",
      "app/api/v1/claims/route.ts",
    ]);
    expect(routes.size).toBe(files.length);
    expect([...loaded]).toEqual([]);
  });
});
