import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { answerApi, isApiPath } from "./api-server.mjs";
import { readBodyCapped } from "../lib/http/request";
import { SECURITY_HEADERS } from "./security-headers.mjs";

// The server answers every /api/v1 request with the router's bundle (docs/decisions/0011), as a
// route handler under Next would be answered. The routes' own behaviour (signatures, refusals,
// audit) is tested end to end in e2e/ (direct-routes.spec.ts, protocol.spec.ts, auth-guards.spec.ts).

const SID = "s_Q2xhaW1saW5rIHNlc3Npb24";

describe("isApiPath", () => {
  it("takes /api/v1 and everything below it, whatever follows", () => {
    for (const url of [
      "/api/v1",
      "/api/v1?x=1",
      "/api/v1/",
      `/api/v1/provisioning/sessions/${SID}?wait=25`,
      "/api/v1/claims/",
      "/api/v1/%63laims",
      "/api/v1/no/such/route",
    ])
      expect(isApiPath(url), url).toBe(true);
  });

  it("leaves every other path to Next, other spellings of the prefix included", () => {
    for (const url of [
      "/",
      "/api",
      "/api/v1x",
      "/api/v10/claims",
      "/API/v1/claims",
      "//api/v1/claims",
      "/api/%761/claims",
      "/api/health",
      "/api/auth/session",
      "/.well-known/claimlink",
      "/devices",
      undefined,
    ])
      expect(isApiPath(url), String(url)).toBe(false);
  });
});

describe("answerApi", () => {
  let server: http.Server | null = null;
  afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

  /** A real server that answers every request with `handler`, as scripts/start.mjs does. */
  async function serve(handler: (req: Request) => Promise<Response>): Promise<string> {
    server = http.createServer((req, res) => void answerApi(handler, req, res));
    await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  it("passes the request's method, path, headers and body, and sends the answer with the security headers", async () => {
    const base = await serve(async (req) => {
      const seen = { method: req.method, url: req.url, xff: req.headers.get("x-forwarded-for") };
      // The app's handlers read every body through readBodyCapped (lib/http/request.ts).
      const body = new TextDecoder().decode(await readBodyCapped(req, 1024));
      return Response.json({ ...seen, body }, { status: 201, headers: { "X-Test": "1" } });
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
      body: "hello",
    });
  });

  it("hands a small body over read whole and a large one as a stream, each read the same way and capped", async () => {
    const base = await serve(async (req) => {
      const streamed = req.body !== null;
      try {
        const body = await readBodyCapped(req, 20 * 1024);
        return Response.json({ streamed, bytes: body.byteLength, last: body.at(-1) });
      } catch (err) {
        return Response.json({ streamed, refused: (err as { code?: string }).code }, { status: 413 });
      }
    });
    const post = (body: string) => fetch(`${base}/api/v1/devices/me/measurements`, { method: "POST", body });
    expect(await (await post("x".repeat(1000) + "!")).json()).toEqual({ streamed: false, bytes: 1001, last: 33 });
    expect(await (await post("y".repeat(18 * 1024) + "!")).json()).toEqual({
      streamed: true,
      bytes: 18 * 1024 + 1,
      last: 33,
    });
    const tooLarge = await post("z".repeat(30 * 1024));
    expect(tooLarge.status).toBe(413);
    expect(await tooLarge.json()).toEqual({ streamed: true, refused: "payload_too_large" });
  });

  it("writes a device answer's own text, byte for byte, with its length", async () => {
    const text = '{"accepted":3,"note":"Zürich"}';
    const base = await serve(async () =>
      Object.assign(new Response(text, { headers: { "Content-Type": "application/json" } }), {
        [Symbol.for("claimlink.answerText")]: text,
      }),
    );
    const r = await fetch(`${base}/api/v1/devices/me/measurements`, { method: "POST", body: "{}" });
    expect(r.headers.get("content-length")).toBe(String(Buffer.byteLength(text)));
    expect(await r.text()).toBe(text);
    for (const { key, value } of SECURITY_HEADERS) expect(r.headers.get(key)).toBe(value);
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

  it("sends a one-chunk answer with Content-Length, and streams a longer one as the client reads", async () => {
    let pulled = 0;
    let cancelled = false;
    const base = await serve(async (req) => {
      if (new URL(req.url).pathname.endsWith("/small")) return Response.json({ ok: true });
      const body = new ReadableStream<Uint8Array>({
        pull(c) {
          pulled++;
          c.enqueue(new TextEncoder().encode("x".repeat(64 * 1024) + "\n"));
        },
        cancel() {
          cancelled = true;
        },
      });
      return new Response(body, { headers: { "Content-Type": "text/csv" } });
    });
    const small = await fetch(`${base}/api/v1/small`);
    expect(small.headers.get("content-length")).toBe("11");
    expect(await small.json()).toEqual({ ok: true });
    // An endless CSV: the answer starts at once, is not buffered, and stops when the client goes away.
    const ctl = new AbortController();
    const big = await fetch(`${base}/api/v1/big`, { signal: ctl.signal });
    expect(big.headers.get("content-length")).toBeNull();
    expect(big.headers.get("transfer-encoding")).toBe("chunked");
    const reader = big.body!.getReader();
    for (let got = 0; got < 256 * 1024;) got += (await reader.read()).value!.byteLength;
    ctl.abort();
    await expect.poll(() => cancelled).toBe(true);
    // Backpressure: far less than everything was produced (it is endless), in a few MB at most.
    expect(pulled).toBeLessThan(200);
  });

  it("drops a large body the handler did not read, and the connection carries the next request", async () => {
    const base = await serve(async (req) =>
      new URL(req.url).pathname.endsWith("/read")
        ? new Response(String((await req.text()).length))
        : new Response("refused", { status: 405 }),
    );
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const post = (path: string) =>
      new Promise<{ status: number; body: string; socket: unknown }>((resolve, reject) => {
        const req = http.request(`${base}${path}`, { method: "POST", agent }, (res) => {
          let body = "";
          res.on("data", (c) => (body += c));
          res.on("end", () => resolve({ status: res.statusCode!, body, socket: req.socket }));
        });
        req.on("error", reject);
        req.end("x".repeat(4 * 1024 * 1024));
      });
    try {
      const unread = await post("/api/v1/refuse");
      expect(unread).toMatchObject({ status: 405, body: "refused" });
      const read = await post("/api/v1/read");
      expect(read).toMatchObject({ status: 200, body: String(4 * 1024 * 1024) });
      expect(read.socket).toBe(unread.socket); // the same connection
    } finally {
      agent.destroy();
    }
  });
});
