import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answerDirect, directRouteFor, type DirectRoutes } from "./direct-routes.mjs";
import { SECURITY_HEADERS } from "./security-headers.mjs";

// The server answers four routes itself (docs/decisions/0010): the device's long poll and
// answer, the person's claim and wait, exactly those, on their exact paths, and as a route
// handler under Next would be answered. The routes' own
// behaviour (signatures, refusals, audit) is tested end to end in e2e/direct-routes.spec.ts.

const poll = async () => new Response("poll");
const answer = async () => new Response("answer");
const createClaim = async () => new Response("claim");
const waitForClaim = async () => new Response("wait");
const routes: DirectRoutes = { pollSession: poll, answerChallenge: answer, createClaim, waitForClaim };
const SID = "s_Q2xhaW1saW5rIHNlc3Npb24";
const CLM = "clm_ABCDEFGHIJKLMNOP";

describe("directRouteFor", () => {
  it("takes the long poll and the challenge answer, with their ids", () => {
    expect(directRouteFor({ method: "GET", url: `/api/v1/provisioning/sessions/${SID}?wait=25` }, routes)).toEqual({
      handler: poll,
      params: { sid: SID },
    });
    expect(
      directRouteFor({ method: "POST", url: `/api/v1/provisioning/sessions/${SID}/claims/${CLM}` }, routes),
    ).toEqual({ handler: answer, params: { sid: SID, claimId: CLM } });
  });

  it("takes the claim and the claimant's wait, with the claim's id", () => {
    expect(directRouteFor({ method: "POST", url: "/api/v1/claims" }, routes)).toEqual({
      handler: createClaim,
      params: {},
    });
    expect(directRouteFor({ method: "GET", url: `/api/v1/claims/${CLM}?wait=25` }, routes)).toEqual({
      handler: waitForClaim,
      params: { claimId: CLM },
    });
    // Before the claim routes are registered (the device routes are registered first), Next answers them.
    const deviceOnly = { pollSession: poll, answerChallenge: answer };
    expect(directRouteFor({ method: "POST", url: "/api/v1/claims" }, deviceOnly)).toBeNull();
    expect(directRouteFor({ method: "GET", url: `/api/v1/claims/${CLM}` }, deviceOnly)).toBeNull();
  });

  it("leaves every other method, path and spelling to Next", () => {
    const next = [
      ["POST", `/api/v1/provisioning/sessions/${SID}`],
      ["HEAD", `/api/v1/provisioning/sessions/${SID}`],
      ["GET", `/api/v1/provisioning/sessions/${SID}/`],
      ["GET", `/api/v1/provisioning/sessions/%73_abc`],
      ["GET", `/api/v1/provisioning/sessions/a/../b`],
      ["GET", `/api/v1/provisioning/sessions`],
      ["GET", `/api/v1/provisioning/sessions/${"a".repeat(65)}`],
      ["GET", `/api/v1/provisioning/sessions/${SID}/claims/${CLM}`],
      ["POST", `/api/v1/provisioning/sessions/${SID}/claims/${CLM}/`],
      ["POST", `/API/v1/provisioning/sessions/${SID}/claims/${CLM}`],
      ["GET", `//api/v1/provisioning/sessions/${SID}`],
      ["GET", `/devices`],
      ["GET", "/api/v1/claims"],
      ["PUT", "/api/v1/claims"],
      ["POST", "/api/v1/claims/"],
      ["POST", "/api/v1/%63laims"],
      ["GET", "/api/v1/claims/preview"],
      ["POST", "/api/v1/claims/preview"],
      ["POST", `/api/v1/claims/${CLM}`],
      ["GET", `/api/v1/claims/${CLM.toLowerCase()}`],
      ["GET", `/api/v1/claims/%63lm_ABCDEFGHIJKLMNOP`],
      ["GET", `/api/v1/claims/${CLM}/`],
    ];
    for (const [method, url] of next) expect(directRouteFor({ method, url }, routes), `${method} ${url}`).toBeNull();
  });

  it("takes nothing before the app has registered its handlers", () => {
    expect(directRouteFor({ method: "GET", url: `/api/v1/provisioning/sessions/${SID}` }, undefined)).toBeNull();
  });
});

describe("answerDirect", () => {
  let server: http.Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A real server that answers every request with `handler`, as scripts/start.mjs does. */
  async function serve(handler: DirectRoutes["pollSession"]): Promise<string> {
    server = http.createServer((req, res) => void answerDirect({ handler, params: { sid: SID } }, req, res));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("passes the request's method, path, headers, body and params, and sends the answer with the security headers", async () => {
    const base = await serve(async (req, ctx) => {
      const seen = {
        method: req.method,
        url: req.url,
        xff: req.headers.get("x-forwarded-for"),
        params: await ctx.params,
      };
      return Response.json({ ...seen, body: await req.text() }, { status: 201, headers: { "X-Test": "1" } });
    });
    const r = await fetch(`${base}/api/v1/provisioning/sessions/${SID}?wait=3`, {
      method: "POST",
      headers: { "x-forwarded-for": "198.51.100.7" },
      body: "hello",
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("x-test")).toBe("1");
    for (const { key, value } of SECURITY_HEADERS) expect(r.headers.get(key)).toBe(value);
    expect(await r.json()).toEqual({
      method: "POST",
      url: `http://localhost/api/v1/provisioning/sessions/${SID}?wait=3`,
      xff: "198.51.100.7",
      params: { sid: SID },
      body: "hello",
    });
  });

  it("ignores a Host header that is not a host", async () => {
    const base = await serve(async (req) => new Response(new URL(req.url).pathname));
    const port = new URL(base).port;
    const body = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        { host: "127.0.0.1", port, path: `/api/v1/provisioning/sessions/${SID}`, headers: { host: "a b/c" } },
        (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(`${res.statusCode} ${text}`));
        },
      );
      req.on("error", reject);
      req.end();
    });
    expect(body).toBe(`200 /api/v1/provisioning/sessions/${SID}`);
  });

  it("aborts the handler's request when the client goes away before the answer", async () => {
    let aborted: () => void = () => {};
    const wasAborted = new Promise<void>((r) => (aborted = r));
    const base = await serve(
      (req) =>
        new Promise((resolve) => {
          req.signal.addEventListener("abort", () => {
            aborted();
            resolve(new Response("late"));
          });
        }),
    );
    const ctl = new AbortController();
    const pending = fetch(`${base}/api/v1/provisioning/sessions/${SID}`, { signal: ctl.signal }).catch(() => null);
    await new Promise((r) => setTimeout(r, 100));
    ctl.abort();
    await pending;
    await wasAborted; // the test times out if the handler is never told
  });

  it("answers a handler's own fault with a bare 500 problem, never its detail", async () => {
    const base = await serve(async () => {
      throw new Error("secret detail from the database");
    });
    const errors: unknown[] = [];
    const original = console.error;
    console.error = (...a: unknown[]) => errors.push(a);
    try {
      const r = await fetch(`${base}/api/v1/provisioning/sessions/${SID}`);
      expect(r.status).toBe(500);
      expect(r.headers.get("content-type")).toBe("application/problem+json");
      for (const { key, value } of SECURITY_HEADERS) expect(r.headers.get(key)).toBe(value);
      const body = await r.text();
      expect(JSON.parse(body).code).toBe("internal_error");
      expect(body).not.toContain("secret detail");
      expect(errors).toHaveLength(1);
    } finally {
      console.error = original;
    }
  });
});
