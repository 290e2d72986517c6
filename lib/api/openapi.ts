import type { OpenAPIRegistry } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { ERROR_STATUS, type ErrorCode } from "../errors/app-error";
import { ALWAYS_ERRORS, GUARD_ERRORS, isDeviceGuard, type Area, type Guard, type RouteDef } from "./define";

// The OpenAPI 3.1 description of /api/v1, built from the routes' own declarations (define.ts):
// each operation's path, parameters, body and answers are the zod schemas its use case parses
// with, its security the scheme of its guard, and its errors every problem+json `code` its
// guard and its own work may answer. Served at /api/v1/openapi.json, shown at /docs/api.

const SECURITY_SCHEMES = {
  ClaimlinkHMAC: {
    type: "http",
    scheme: "Claimlink-HMAC",
    description:
      "A device credential's signature over the request (docs/protocol.md section 3): `Authorization: " +
      'Claimlink-HMAC credential="crd_…", ts="…", nonce="…", sig="…"`, where sig = b64url(HMAC(deviceSecret, ' +
      '"claimlink/1 request\\n" + METHOD + "\\n" + pathAndQuery + "\\n" + ts + "\\n" + nonce + "\\n" + ' +
      "hex(SHA-256(body)))). Every answer whose credential is known carries Claimlink-Response-MAC.",
  },
  provisioningSession: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "provisioning session token",
    description:
      "The `sessionToken` a device got when it started its provisioning session (docs/protocol.md section 1).",
  },
  apiToken: {
    type: "http",
    scheme: "bearer",
    bearerFormat: "clk_…",
    description:
      "An API token (`Authorization: Bearer clk_…`), made at /account/tokens, holding the scope the operation " +
      "names (docs/integrations.md). Only the read operations that list it take one; any other answers " +
      "`token_not_accepted`. A request with a token is judged by the token alone, never by a cookie.",
  },
  sessionCookie: {
    type: "apiKey",
    in: "cookie",
    name: "authjs.session-token",
    description:
      "A signed-in person's session cookie (`__Secure-authjs.session-token` when the public URL is https). " +
      "Writes must also come from the app's own origin (Origin or Sec-Fetch-Site), else `csrf_failed`.",
  },
} as const;

const SECURITY: Record<Guard, Record<string, string[]>[]> = {
  public: [],
  user: [{ sessionCookie: [] }],
  owner: [{ sessionCookie: [] }],
  staff: [{ sessionCookie: [] }],
  "device-signed": [{ ClaimlinkHMAC: [] }],
  "device-session-token": [{ provisioningSession: [] }],
  "device-start": [{}, { ClaimlinkHMAC: [] }],
};

/** The guard's scheme, and for a read that takes an API token, the token with its scope. */
function securityOf(def: RouteDef): Record<string, string[]>[] {
  const token = "token" in def ? def.token : undefined;
  if (!token) return SECURITY[def.guard];
  const scope = token === "study:read" ? "study:{studyId}:read" : token;
  return [...SECURITY[def.guard], { apiToken: [scope] }];
}

const GUARD_TEXT: Record<Guard, string> = {
  public: "Anyone may call it.",
  user: "A signed-in account.",
  owner: "A signed-in account, on its own objects: another account's answer `not_found` (404), never 403.",
  staff: "A staff account; its reads also admit support (read-only staff).",
  "device-signed": "A device, signed with its credential.",
  "device-session-token": "A device, with its provisioning session's token.",
  "device-start": "A device, unsigned without a credential or signed with the one it holds.",
};

const ALL_CODES = Object.keys(ERROR_STATUS) as [ErrorCode, ...ErrorCode[]];

/** RFC 9457 problem details with the protocol's `code` and a request id: every error of the API. */
export const problemSchema = z.object({
  type: z.literal("about:blank"),
  title: z.string(),
  status: z.number().int(),
  code: z.enum(ALL_CODES).describe("stable and machine-readable (docs/protocol.md, Refusals)"),
  detail: z.string().describe("safe to show a person"),
  requestId: z.string().regex(/^req_[0-9a-f]{16}$/),
  errors: z
    .array(z.object({ path: z.string(), message: z.string() }))
    .optional()
    .describe("each invalid field of an invalid_request"),
  retryAfterSeconds: z.number().int().optional().describe("with rate_limited and database_unavailable"),
  serverTime: z.number().int().optional().describe("unix seconds, with stale_timestamp (covered by the MAC)"),
});

const SIGNED_HEADER_TEXT = {
  "Claimlink-Signature": {
    description:
      "The server's ECDSA P-256 signature over the answer, bound to the request's nonce (docs/protocol.md " +
      'section 6): `keyid="…", ts="…", sig="…"`. On every answer under /devices/me and /provisioning, ' +
      "refusals and 404s included.",
    schema: { type: "string" },
  },
  "Claimlink-Response-MAC": {
    description:
      'b64url(HMAC(deviceSecret, "claimlink/1 response\\n" + requestNonce + "\\n" + status + "\\n" + hex(SHA-256(body)))), ' +
      "when the request's credential is known (section 3).",
    schema: { type: "string" },
  },
} as const;
const SIGNED_HEADERS = Object.fromEntries(
  Object.keys(SIGNED_HEADER_TEXT).map((name) => [name, { $ref: `#/components/headers/${name}` }]),
);

/** Every refusal `code` a route may answer: its guard's, its own, and a database or server fault. */
/** What a read that takes an API token may answer besides its guard's refusals. */
const TOKEN_ERRORS: ErrorCode[] = ["invalid_token", "insufficient_scope", "rate_limited"];

export function errorCodesOf(def: RouteDef): ErrorCode[] {
  const token: ErrorCode[] = "token" in def && def.token ? TOKEN_ERRORS : [];
  return [...new Set([...GUARD_ERRORS[def.guard], ...token, ...(def.errors ?? []), ...ALWAYS_ERRORS])];
}

/** The operation's error answers, one per status, each naming the codes it may carry. */
function errorAnswers(def: RouteDef) {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of errorCodesOf(def))
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const headers = isDeviceGuard(def.guard) ? SIGNED_HEADERS : undefined;
  return Object.fromEntries(
    [...byStatus].map(([status, codes]) => [
      String(status),
      {
        description: codes.map((c) => `\`${c}\``).join(", "),
        headers,
        content: {
          "application/problem+json": {
            schema: {
              allOf: [
                { $ref: "#/components/schemas/Problem" },
                { type: "object" as const, properties: { code: { type: "string" as const, enum: codes } } },
              ],
            },
          },
        },
      },
    ]),
  );
}

const operationId = (def: RouteDef) =>
  def.method.toLowerCase() +
  def.path
    .split("/")
    .filter(Boolean)
    .map((s) => s.replace(/[{}]/g, "").replace(/(^|[-_])([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase()))
    .join("");

/** Adds one route's operation (under `base`) to the registry. */
export function registerOperation(registry: OpenAPIRegistry, area: Area, def: RouteDef, base: string): void {
  const headers = isDeviceGuard(def.guard) ? SIGNED_HEADERS : undefined;
  const answers = Object.fromEntries(
    Object.entries(def.answers).map(([status, a]) => [
      status,
      {
        description: a.description,
        headers,
        ...(a.schema || a.type
          ? { content: { [a.type ?? "application/json"]: { schema: a.schema ?? z.string(), example: a.example } } }
          : {}),
      },
    ]),
  );
  registry.registerPath({
    method: def.method.toLowerCase() as "get",
    path: base + def.path,
    operationId: operationId(def),
    tags: [area.tag],
    summary: def.summary,
    description: [def.description, `**Who:** ${GUARD_TEXT[def.guard]}`].filter(Boolean).join("\n\n"),
    security: securityOf(def),
    "x-claimlink-guard": def.guard,
    ...("token" in def && def.token ? { "x-claimlink-token-scope": def.token } : {}),
    request: {
      params: def.params,
      query: def.query,
      body: def.body
        ? {
            required: true,
            content: { [def.body.type ?? "application/json"]: { schema: def.body.schema, example: def.body.example } },
          }
        : undefined,
    },
    responses: { ...answers, ...errorAnswers(def) },
  });
}

/**
 * The registry's shared parts: the security schemes, the signature headers, and the problem
 * schema each error answer refers to (as JSON Schema from zod itself: no patched prototypes).
 */
export function registerComponents(registry: OpenAPIRegistry): void {
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES))
    registry.registerComponent("securitySchemes", name, scheme);
  for (const [name, header] of Object.entries(SIGNED_HEADER_TEXT)) registry.registerComponent("headers", name, header);
  const { $schema: _, ...problem } = z.toJSONSchema(problemSchema, { target: "draft-2020-12" });
  registry.registerComponent("schemas", "Problem", problem as object);
}

/**
 * The document's top level: everything but the paths and components. `x-claimlink-signed-prefixes`
 * names the prefixes under which any path, routed or not, gets a signed answer (a signed 404).
 */
export function documentConfig(areas: Area[], version: string, signedPrefixes: string[]) {
  return {
    "x-claimlink-signed-prefixes": signedPrefixes,
    openapi: "3.1.0",
    info: {
      title: "Claimlink API",
      version,
      description:
        "The JSON and device API of Claimlink. Devices follow docs/protocol.md (the device protocol); people's " +
        "browsers use the session cookie. Every error is `application/problem+json` with a `code` and a " +
        "`requestId`; every answer to a device is signed with the server's key, published at /.well-known/claimlink.",
    },
    tags: areas.map((a) => ({ name: a.tag, description: a.description })),
  };
}
