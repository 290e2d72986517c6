import { beforeAll, describe, expect, it, vi } from "vitest";

// The /api/v1 router must not load the session or auth machinery of Next: a device request is
// authenticated by its signature alone, and scripts/start.mjs serves every route outside Next's
// request scope, where next/headers would fail (docs/decisions/0011). Each module that would
// reveal it is replaced by a factory that records that it was loaded; lib/http/route.test.ts
// proves the detection works. The device areas are loaded first and on their own: a signed
// device request needs no module of lib/auth at all.
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
vi.mock("next/server", () => {
  loaded.add("next/server");
  return { after: () => {}, NextResponse: class {} };
});

let routes: { method: string; path: string }[] = [];
beforeAll(async () => {
  const router = await import("../api/router");
  routes = router.apiRoutes.map((r) => ({ method: r.def.method, path: r.def.path }));
});

describe("the /api/v1 router's module graph", () => {
  it("loads neither next-auth nor next/headers, next/navigation or next/server, for any route", () => {
    expect(routes.length).toBeGreaterThan(60);
    expect(routes).toContainEqual({ method: "GET", path: "/devices/me" });
    expect(routes).toContainEqual({ method: "POST", path: "/claims" });
    expect(routes).toContainEqual({ method: "GET", path: "/staff/devices" });
    expect([...loaded]).toEqual([]);
  });
});
