import { afterAll, describe, expect, it } from "vitest";
import { appDatabase } from "../db/client";
import { handleApiRequest } from "./router";

// How the router answers what no route's own work decides, as the App Router answered the route
// files it replaces: methods a path does not serve, paths no route has (signed under the device
// prefixes), HEAD, OPTIONS, trailing slashes and escaped segments. The routes' own behaviour is
// tested end to end (e2e/).

const send = (path: string, init: RequestInit = {}) => handleApiRequest(new Request(`http://localhost${path}`, init));
const SIGNATURE = /^keyid="[0-9a-f]{16}", ts="\d+", sig="[A-Za-z0-9_-]+"$/;

afterAll(async () => {
  await (await appDatabase()).close();
  delete (globalThis as Record<symbol, unknown>)[Symbol.for("claimlink.database")];
});

async function problem(res: Response) {
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  expect(res.headers.get("cache-control")).toBe("no-store");
  const body = await res.json();
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

describe("the /api/v1 router", () => {
  it("answers a path no route has with a 404 problem, an escaped fixed segment included", async () => {
    for (const path of ["/api/v1", "/api/v1/nothing", "/api/v1/%63laims", "/api/v1/staff/nothing/here"]) {
      const res = await send(path, { method: "POST" });
      expect(res.status, path).toBe(404);
      expect(await problem(res), path).toMatchObject({ code: "not_found", status: 404 });
    }
  });

  it("answers any path under a device prefix with a signed 404, even one an owner route would match", async () => {
    for (const path of ["/api/v1/devices/me/release", "/api/v1/devices/me/commands", "/api/v1/provisioning/nope/x"]) {
      const res = await send(path, { method: "POST", headers: { "content-type": "text/plain" }, body: "x" });
      expect(res.status, path).toBe(404);
      expect(res.headers.get("claimlink-signature"), path).toMatch(SIGNATURE);
      expect(await problem(res), path).toMatchObject({ code: "not_found", detail: "No such device API route." });
    }
  });

  it("answers a method a path does not serve with 405 and Allow: signed under the device prefixes", async () => {
    const twoFactor = await send("/api/v1/me/two-factor", { method: "PUT" });
    expect(twoFactor.status).toBe(405);
    expect(twoFactor.headers.get("allow")).toBe("GET, POST, DELETE");
    expect(await problem(twoFactor)).toMatchObject({
      code: "method_not_allowed",
      detail: "This route answers GET, POST, DELETE only.",
    });
    // `/devices/me` is the device's own route, never an owner's `/devices/{deviceId}`.
    const me = await send("/api/v1/devices/me", { method: "PATCH" });
    expect(me.status).toBe(405);
    expect(me.headers.get("claimlink-signature")).toMatch(SIGNATURE);
    expect(await problem(me)).toMatchObject({ code: "method_not_allowed", detail: "This route answers GET only." });
    // `/claims/preview` is its own route, never a claim id.
    const preview = await send("/api/v1/claims/preview");
    expect(preview.status).toBe(405);
    expect(preview.headers.get("allow")).toBe("POST");
  });

  it("answers HEAD as GET without a body, and OPTIONS with 204 and Allow", async () => {
    const get = await send("/api/v1/me/sessions");
    const head = await send("/api/v1/me/sessions", { method: "HEAD" });
    expect(head.status).toBe(get.status);
    expect(head.status).toBe(401);
    expect(head.headers.get("content-type")).toBe("application/problem+json");
    expect(await head.text()).toBe("");
    const options = await send("/api/v1/devices/me", { method: "OPTIONS" });
    expect(options.status).toBe(204);
    expect(options.headers.get("allow")).toBe("DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT");
  });

  it("redirects a trailing slash to the path without it (308), keeping the query", async () => {
    const res = await send("/api/v1/claims/?x=1", { method: "POST" });
    expect(res.status).toBe(308);
    expect(res.headers.get("location")).toBe("/api/v1/claims?x=1");
    expect(res.headers.get("refresh")).toBe("0;url=/api/v1/claims?x=1");
    expect(res.headers.get("content-type")).toBeNull();
    expect(await res.text()).toBe("/api/v1/claims?x=1");
  });

  it("normalises dot segments before routing, and the route they reach keeps its own guard", async () => {
    // A path that walks out of the device prefix lands on the owner route, which wants a session.
    for (const path of [
      "/api/v1/devices/me/../dev_ABCDEFGHIJKLMNOP/release",
      "/api/v1/devices/me/%2e%2e/dev_ABCDEFGHIJKLMNOP/release",
    ]) {
      const res = await send(path, { method: "POST", headers: { origin: "http://localhost:3000" } });
      expect(res.status, path).toBe(401);
      expect(res.headers.get("claimlink-signature"), path).toBeNull();
      expect(await problem(res), path).toMatchObject({ code: "unauthenticated" });
    }
  });

  it("serves its OpenAPI document to anyone, cacheable for five minutes", async () => {
    const res = await send("/api/v1/openapi.json");
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("public, max-age=300");
    expect((await res.json()).openapi).toBe("3.1.0");
  });
});
