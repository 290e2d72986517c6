import { describe, expect, it, vi } from "vitest";

// A signed device request loads no session or sign-in code: the device areas of the router and
// the wrappers they are served with import nothing of lib/auth (each module of it is replaced by
// a factory that records being loaded). The rest of the router does load it, for its
// signed-in routes, which the control below shows the detection sees.
const loaded = vi.hoisted(() => new Set<string>());
vi.mock("../auth/request-user", async (original) => {
  loaded.add("request-user");
  return original();
});
vi.mock("../auth/sessions", async (original) => {
  loaded.add("sessions");
  return original();
});
vi.mock("../auth/config", async () => {
  loaded.add("config");
  return {};
});

describe("the device areas' module graph", () => {
  it("loads nothing of lib/auth for provisioning and devices/me; the claims area (signed-in) does", async () => {
    const { provisioning } = await import("./provisioning");
    const { devicesMe } = await import("./devices-me");
    const { deviceRoute, provisioningRoute } = await import("../http/device-route");
    expect(provisioning.routes.length + devicesMe.routes.length).toBe(6);
    expect(typeof deviceRoute).toBe("function");
    expect(typeof provisioningRoute).toBe("function");
    expect([...loaded]).toEqual([]);
    await import("../http/route");
    expect([...loaded].sort()).toEqual(["request-user", "sessions"]);
  });
});
