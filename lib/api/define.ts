import type { ZodObject, ZodType } from "zod";
import type { ErrorCode } from "../errors/app-error";
import {
  deviceRoute,
  provisioningRoute,
  signedOrUnsigned,
  type DeviceReply,
  type FusedRoute,
  type SignedDeviceRequest,
  type UnsignedDeviceRequest,
} from "../http/device-route";
import { apiRoute, userRoute, type RouteContext, type UserRouteContext } from "../http/route";
import type { RouteScope } from "../integrations/schemas";

// How a route of the /api/v1 router is declared: once, with its method, path, guard, the zod
// schemas its input is parsed with, its answers and the refusal codes it may give. The router
// (router.ts) serves it and the OpenAPI document (openapi.ts) describes it from this one value.

export const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];

/**
 * Who may call a route. The guard picks the wrapper that enforces it (lib/http/route.ts,
 * lib/http/device-route.ts), so a route cannot be served without one:
 * - `public`: anyone (rate-limited where it matters);
 * - `user`: a signed-in, enabled account; `owner`: the same, and the object in the path must be
 *   theirs (checked by the use case: anyone else gets 404); `staff`: a staff account, whose
 *   GETs also admit support (read-only staff). Writes of all three must come from our origin;
 * - `device-signed`: a Claimlink-HMAC signature of a device credential (docs/protocol.md s. 3);
 * - `device-session-token`: a provisioning session's bearer token (section 1);
 * - `device-start`: a device with or without a credential (section 5: a signed start binds the
 *   session to it). Every answer of the three device guards is signed (section 6).
 */
export type Guard = "public" | "user" | "owner" | "staff" | "device-signed" | "device-session-token" | "device-start";

/** One answer a route gives on success. */
export type Answer = {
  description: string;
  /** The body's schema (application/json unless `type` says otherwise); none for an empty body. */
  schema?: ZodType;
  type?: "application/json" | "text/csv" | "application/zip" | "application/octet-stream";
  example?: unknown;
};

type Common = {
  method: Method;
  /** The path under /api/v1, OpenAPI style: `/devices/{deviceId}/commands`. */
  path: string;
  summary: string;
  description?: string;
  /** The path parameters, the query and the body, as the use case parses them (lib/<area>/schemas.ts). */
  params?: ZodObject;
  query?: ZodObject;
  body?: { schema: ZodType; type?: "application/json" | "text/csv" | "multipart/form-data"; example?: unknown };
  answers: Record<number, Answer>;
  /** The refusals this route's own work may give, besides its guard's (see `GUARD_ERRORS`). */
  errors?: readonly ErrorCode[];
  /** Audit every refusal under this action (capped per caller; lib/audit/record.ts). */
  refusals?: string;
};

export type RouteDef =
  | (Common & {
      guard: "public";
      /** The `WWW-Authenticate` challenge of its 401 answers (a route that takes HTTP basic authentication). */
      challenge?: string;
      handle: (c: RouteContext) => Promise<Response>;
    })
  | (Common & {
      guard: "user" | "owner" | "staff";
      /** Open to a staff account that must still enrol in two-factor sign-in (it is how it gets out). */
      enrolment?: boolean;
      /** A read that also takes an API token holding this scope (docs/integrations.md); GET only. */
      token?: RouteScope;
      handle: (c: UserRouteContext) => Promise<Response>;
    })
  | (Common & {
      guard: "device-signed";
      /** The body cap (default SMALL_BODY_BYTES); the signature is checked over these bytes first. */
      maxBytes?: number;
      handle: (r: SignedDeviceRequest) => Promise<DeviceReply>;
      /** The handler's work in the statement that takes the nonce, when it can be (lib/http/device-route.ts). */
      fused?: FusedRoute;
    })
  | (Common & { guard: "device-session-token"; handle: (r: UnsignedDeviceRequest) => Promise<DeviceReply> })
  | (Common & {
      guard: "device-start";
      signed: (r: SignedDeviceRequest) => Promise<DeviceReply>;
      unsigned: (r: UnsignedDeviceRequest) => Promise<DeviceReply>;
    });

/** A route's Web handler: a Request and its path parameters in, a Response out. */
export type WebHandler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** An area of the API: one OpenAPI tag, one module under lib/api. */
export type Area = { tag: string; description: string; routes: RouteDef[] };

/** The refusals every route of a guard may give before its own work runs. */
export const GUARD_ERRORS: Record<Guard, readonly ErrorCode[]> = {
  public: [],
  user: ["unauthenticated", "csrf_failed", "two_factor_required", "token_not_accepted"],
  owner: ["unauthenticated", "csrf_failed", "two_factor_required", "token_not_accepted"],
  staff: ["unauthenticated", "forbidden", "csrf_failed", "two_factor_required", "token_not_accepted"],
  "device-signed": [
    "invalid_request",
    "bad_signature",
    "stale_timestamp",
    "replayed_nonce",
    "credential_revoked",
    "unknown_credential",
    "payload_too_large",
  ],
  "device-session-token": ["invalid_request", "invalid_session_token"],
  "device-start": [
    "invalid_request",
    "bad_signature",
    "stale_timestamp",
    "replayed_nonce",
    "credential_revoked",
    "unknown_credential",
    "payload_too_large",
    "unsupported_media_type",
  ],
};

/**
 * Any route may answer these: a path that is not valid percent-encoding (400, from the server
 * before any route: scripts/start.mjs), a lost database connection (503) and a fault of ours (500).
 */
export const ALWAYS_ERRORS: readonly ErrorCode[] = ["invalid_request", "database_unavailable", "internal_error"];

/**
 * The routes people call from translated pages (docs/i18n.md): their problems come in the
 * reader's language. Every other route answers in English: the device API (devices MAC and
 * compare its bodies), the staff console's and the research routes (pages not translated yet,
 * which show the server's specific detail).
 */
const PEOPLE_PATHS = /^\/(me|devices|claims|invitations|password-resets)(\/|$)/;

/** The Web handler that serves a route: its guard's wrapper around its work. */
export function handlerOf(def: RouteDef): WebHandler {
  const refusals = def.refusals;
  switch (def.guard) {
    case "public":
      // Devices call the firmware download and a legacy node's push: those stay English.
      return apiRoute(def.handle, { refusals, challenge: def.challenge, people: PEOPLE_PATHS.test(def.path) });
    case "user":
    case "owner":
      return userRoute(def.handle, {
        refusals,
        enrolment: def.enrolment,
        token: def.token,
        people: PEOPLE_PATHS.test(def.path),
      });
    case "staff":
      return userRoute(def.handle, { refusals, enrolment: def.enrolment, staff: true, token: def.token });
    case "device-signed":
      return deviceRoute(def.handle, { refusals, maxBytes: def.maxBytes, fused: def.fused });
    case "device-session-token":
      return provisioningRoute(def.handle, { refusals: refusals ?? "device.request_refused" });
    case "device-start": {
      const action = refusals ?? "device.request_refused";
      return signedOrUnsigned(
        deviceRoute(def.signed, { refusals: action }),
        provisioningRoute(def.unsigned, { refusals: action }),
      );
    }
  }
}

/** True for the guards whose every answer, refusals and 404/405 included, is signed. */
export function isDeviceGuard(guard: Guard): boolean {
  return guard === "device-signed" || guard === "device-session-token" || guard === "device-start";
}
