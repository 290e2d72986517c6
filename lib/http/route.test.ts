import { describe, expect, it, vi } from "vitest";

// The control for lib/http/device-route-graph.test.ts: the same detection, on a module that does load
// the session code, must see it. Without this, a broken mock would make that test pass vacuously.
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

describe("the module graph detection (lib/http/device-route-graph.test.ts)", () => {
  it("sees next-auth and next/* loaded by the pages' session helpers", async () => {
    expect([...loaded]).toEqual([]);
    await import("@/lib/auth/current");
    expect([...loaded].sort()).toEqual([
      "next-auth",
      "next-auth/providers/credentials",
      "next/headers",
      "next/navigation",
    ]);
  });
});
