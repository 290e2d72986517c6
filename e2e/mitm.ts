import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the machine in the middle may do with an answer before the device sees it. */
export type Tamper = (
  req: { method: string; path: string; headers: Record<string, string>; body: string },
  res: { status: number; headers: Record<string, string>; body: string },
) => { status: number; headers: Record<string, string>; body: string } | null;

export type Requested = { method: string; path: string; headers: Record<string, string> };

/** What the machine in the middle may do with a request before the server sees it. */
export type Rewrite = (req: { method: string; path: string; headers: Record<string, string>; body: string }) => {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
};

/**
 * A machine in the middle of a device that verifies no TLS: forwards every request to the real
 * server and lets the test rewrite (or forge) the answer. Loopback only.
 */
export async function startMitm(upstream: string, tamper: Tamper = () => null) {
  const seen: Requested[] = [];
  let current = tamper;
  let rewrite: Rewrite = (r) => r;
  const server: Server = createServer(async (req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string" && k !== "host") headers[k] = v;
    const info = rewrite({ method: req.method ?? "GET", path: req.url ?? "/", headers, body });
    seen.push({ method: info.method, path: info.path, headers: info.headers });
    const up = await fetch(`${upstream}${info.path}`, {
      method: info.method,
      headers: info.headers,
      body: info.method === "GET" || info.method === "HEAD" ? undefined : info.body,
    });
    const upHeaders: Record<string, string> = {};
    up.headers.forEach((v, k) => {
      if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(k)) upHeaders[k] = v;
    });
    const real = { status: up.status, headers: upHeaders, body: await up.text() };
    const out = current(info, real) ?? real;
    res.writeHead(out.status, out.headers);
    res.end(out.body);
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    setTamper(t: Tamper) {
      current = t;
    },
    setRewrite(r: Rewrite) {
      rewrite = r;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
