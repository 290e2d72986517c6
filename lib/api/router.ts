import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { AppError } from "../errors/app-error";
import { newRequestId, problemResponse } from "../errors/problem";
import { signedMethodsNotAllowed, unknownDeviceRoute } from "../http/device-route";
import { methodsNotAllowed } from "../http/methods";
import { claims } from "./claims";
import { handlerOf, isDeviceGuard, METHODS, type Area, type RouteDef, type WebHandler } from "./define";
import { devices } from "./devices";
import { devicesMe } from "./devices-me";
import { firmware } from "./firmware";
import { invitations } from "./invitations";
import { legacy } from "./legacy";
import { me } from "./me";
import { meStudies } from "./me-studies";
import { passwordResets } from "./password-resets";
import { provisioning } from "./provisioning";
import { research } from "./research";
import { documentConfig, registerComponents, registerOperation } from "./openapi";
import { tokens } from "./tokens";
import { staffAreas } from "./staff";
import { z } from "zod";

// The one router of /api/v1 (docs/decisions/0011). Each route is declared once in its area's
// module (define.ts); this file serves them the way the App Router served the route files they
// replace, byte for byte: a path's other methods answer 405 with Allow (signed under the device
// prefixes), any path under a device prefix without a route a signed 404, HEAD as GET without a
// body, OPTIONS 204, a trailing slash a 308 to the path without it. Paths are matched as sent:
// a percent-escape in a fixed segment is not decoded (`/api/v1/%63laims` is no route).

export const API_BASE = "/api/v1";

/** The document itself, built once from the router's own routes. */
const meta: Area = {
  tag: "meta",
  description: "This description of the API.",
  routes: [
    {
      method: "GET",
      path: "/openapi.json",
      guard: "public",
      summary: "The OpenAPI 3.1 description of /api/v1",
      description: "Rendered for people at /docs/api.",
      answers: { 200: { description: "This document.", schema: z.looseObject({ openapi: z.literal("3.1.0") }) } },
      // Serialised once: a flood of this public route costs no more than any 404.
      handle: async () =>
        new Response((documentText ??= JSON.stringify(openApiDocument())), {
          headers: { "Content-Type": "application/json", "Cache-Control": "public, max-age=300" },
        }),
    },
  ],
};

/** Every area, in the order the OpenAPI document lists them. */
export const AREAS: Area[] = [
  provisioning,
  devicesMe,
  claims,
  devices,
  me,
  meStudies,
  invitations,
  passwordResets,
  legacy,
  research,
  tokens,
  firmware,
  ...staffAreas,
  meta,
];

/** The prefixes whose every answer is signed, even for a path with no route (docs/protocol.md section 6). */
export const DEVICE_PREFIXES = ["/devices/me", "/provisioning"];

/** One route as served: its declaration, its area and the Web handler its guard wraps it in. */
export type ServedRoute = { def: RouteDef; area: Area; handler: WebHandler };

export const apiRoutes: ServedRoute[] = AREAS.flatMap((area) =>
  area.routes.map((def) => ({ def, area, handler: handlerOf(def) })),
);

/**
 * Next's order of routes: segment by segment, a fixed segment before a parameter before a
 * catch-all, and a path before the longer paths it prefixes. Matching tries them in this order,
 * so `/devices/me` is never taken for `/devices/{deviceId}`.
 */
export function compareRoutePaths(a: string, b: string): number {
  const sa = a.split("/").filter(Boolean);
  const sb = b.split("/").filter(Boolean);
  const rank = (s: string) => (s === "*" ? 2 : s.startsWith("{") ? 1 : 0);
  for (let i = 0; i < Math.min(sa.length, sb.length); i++) {
    const d = rank(sa[i]) - rank(sb[i]);
    if (d !== 0) return d;
    if (rank(sa[i]) === 0 && sa[i] !== sb[i]) return sa[i] < sb[i] ? -1 : 1;
  }
  return sa.length - sb.length;
}

/** Every method an App Router route file answered (its own and the 405s), which OPTIONS listed. */
const OPTIONS_ALLOW = "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT";

const honoPath = (path: string) => API_BASE + path.replace(/\{(\w+)\}/g, ":$1");

type Dispatch = (c: Context) => Promise<Response>;

function dispatcher(handlers: Map<string, WebHandler>, refuse: WebHandler): Dispatch {
  return async (c) => {
    const method = c.req.method === "HEAD" ? "GET" : c.req.method;
    if (method === "OPTIONS") return new Response(null, { status: 204, headers: { Allow: OPTIONS_ALLOW } });
    const handler = handlers.get(method) ?? refuse;
    return handler(c.req.raw, { params: Promise.resolve(c.req.param() as Record<string, string>) });
  };
}

/** The request's path exactly as sent, no percent-escape decoded (as Next matches routes). */
function rawPath(req: Request): string {
  const url = req.url;
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start < 0) return "/";
  const q = url.indexOf("?", start);
  return q < 0 ? url.slice(start) : url.slice(start, q);
}

function buildRouter(): OpenAPIHono {
  const app = new OpenAPIHono({ getPath: rawPath });
  registerComponents(app.openAPIRegistry);
  for (const r of apiRoutes) registerOperation(app.openAPIRegistry, r.area, r.def, API_BASE);
  const byPath = new Map<string, ServedRoute[]>();
  for (const r of apiRoutes) {
    const same = byPath.get(r.def.path) ?? [];
    // Two declarations of one method and path: the second would never be served.
    if (same.some((x) => x.def.method === r.def.method))
      throw new Error(`${r.def.method} ${r.def.path} is declared twice`);
    byPath.set(r.def.path, [...same, r]);
  }
  const paths = [...byPath.keys(), ...DEVICE_PREFIXES.map((p) => `${p}/*`)].sort(compareRoutePaths);
  const unknownDevicePath = unknownDeviceRoute().GET;
  for (const path of paths) {
    const served = byPath.get(path);
    if (!served) {
      app.all(honoPath(path), dispatcher(new Map(), unknownDevicePath));
      continue;
    }
    const allowed = served.map((r) => r.def.method);
    const device = served.some((r) => isDeviceGuard(r.def.guard));
    const refuse = (device ? signedMethodsNotAllowed(...allowed) : methodsNotAllowed(...allowed))[
      METHODS.find((m) => !allowed.includes(m)) ?? "GET"
    ];
    app.all(honoPath(path), dispatcher(new Map(served.map((r) => [r.def.method, r.handler])), refuse));
  }
  app.notFound(() => problemResponse(new AppError("not_found", "No such API route."), newRequestId()));
  return app;
}

const router = buildRouter();

/** The paths Hono matches (`:param` style, catch-alls as `*`), in matching order: what the router really serves. */
export function servedPaths(): string[] {
  return [...new Set(router.routes.map((r) => r.path))];
}

let documentText: string | undefined;
let document: ReturnType<OpenAPIHono["getOpenAPI31Document"]> | undefined;
/** The OpenAPI 3.1 document of every route above (lib/api/openapi.ts). */
export function openApiDocument() {
  document ??= router.getOpenAPI31Document(
    documentConfig(
      AREAS,
      "1",
      DEVICE_PREFIXES.map((p) => API_BASE + p),
    ),
  );
  return document;
}

/**
 * Answers one /api/v1 request, as scripts/start.mjs and, under `next dev`, the App Router's
 * catch-all hand it over. The Request's URL needs only the right path and query.
 */
export async function handleApiRequest(req: Request): Promise<Response> {
  const path = rawPath(req);
  if (path.length > 1 && path.endsWith("/")) return redirectWithoutSlash(req, path);
  return router.fetch(req);
}

/** A trailing slash: the 308 Next gave, to the same path without it. */
function redirectWithoutSlash(req: Request, path: string): Response {
  const query = req.url.includes("?") ? req.url.slice(req.url.indexOf("?")) : "";
  const location = path.replace(/\/+$/, "") + query;
  // Bytes, not a string: no Content-Type, as Next sent none.
  return new Response(req.method === "HEAD" ? null : new TextEncoder().encode(location), {
    status: 308,
    headers: { Location: location, Refresh: `0;url=${location}` },
  });
}
