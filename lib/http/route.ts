import { auditRefusedAccess, requireUserApi } from "../auth/current";
import type { SessionUser } from "../auth/config";
import type { Actor } from "../audit/record";
import { env } from "../env";
import { clientIp } from "./client-ip";
import { AppError } from "./errors";
import { newRequestId, toProblem } from "./problem";

export const MAX_JSON_BYTES = 64 * 1024;

type Params = Record<string, string>;
type Ctx = { params: Promise<Params> };

export type RouteContext = { req: Request; params: Params; requestId: string; ip: string | null };
export type UserRouteContext = RouteContext & { user: SessionUser; actor: Actor };

/** Wraps a route handler: every thrown error becomes problem+json, every answer gets a request id. */
export function apiRoute(handler: (c: RouteContext) => Promise<Response>) {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    const requestId = newRequestId();
    try {
      const params = ctx?.params ? await ctx.params : {};
      const res = await handler({ req, params, requestId, ip: clientIp(req.headers) });
      res.headers.set("X-Request-Id", requestId);
      if (!res.headers.has("Cache-Control")) res.headers.set("Cache-Control", "no-store");
      return res;
    } catch (err) {
      return toProblem(err, requestId);
    }
  };
}

/**
 * A route for a signed-in user (or staff with `{ staff: true }`). State-changing methods must
 * come from our own origin: the session cookie alone never authorises a cross-site request.
 */
export function userRoute(handler: (c: UserRouteContext) => Promise<Response>, opts: { staff?: boolean } = {}) {
  return apiRoute(async (c) => {
    try {
      if (c.req.method !== "GET" && c.req.method !== "HEAD") checkSameOrigin(c.req);
      const user = await requireUserApi(opts);
      return await handler({ ...c, user, actor: { id: user.id, label: user.email, ip: c.ip } });
    } catch (err) {
      if (err instanceof AppError && (err.code === "forbidden" || err.code === "csrf_failed")) {
        await auditRefusedAccess(c.ip, err.code, c.req.method, new URL(c.req.url).pathname);
      }
      throw err;
    }
  });
}

function checkSameOrigin(req: Request): void {
  const origin = req.headers.get("origin");
  const site = req.headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") throw new AppError("csrf_failed", "Cross-site requests are refused.");
  if (!origin) return;
  const host = req.headers.get("x-forwarded-host") ?? req.headers.get("host");
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    throw new AppError("csrf_failed", "Cross-site requests are refused.");
  }
  if (originHost !== host && originHost !== new URL(env().publicUrl).host) {
    throw new AppError("csrf_failed", "Cross-site requests are refused.");
  }
}

/** The JSON body, refusing a wrong media type (415), an oversized body (413) or broken JSON (400). */
export async function readJson(req: Request, maxBytes = MAX_JSON_BYTES): Promise<unknown> {
  const type = req.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type)) throw new AppError("unsupported_media_type", "Send the body as application/json.");
  const buf = await readBodyCapped(req, maxBytes);
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(buf));
  } catch {
    throw new AppError("invalid_request", "The body is not valid JSON.");
  }
}

/** The raw body bytes, stopping (413) as soon as more than `maxBytes` arrive. */
export async function readBodyCapped(req: Request, maxBytes: number): Promise<Uint8Array> {
  const tooLarge = () => new AppError("payload_too_large", `The body may be at most ${maxBytes} bytes.`);
  if (Number(req.headers.get("content-length") ?? "0") > maxBytes) throw tooLarge();
  if (!req.body) return new Uint8Array(0);
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

export function json(data: unknown, status = 200, headers: HeadersInit = {}): Response {
  return Response.json(data, { status, headers });
}
