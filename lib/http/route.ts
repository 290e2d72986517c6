import { recordRefusedAccess, requireUserApi, userOfRequest } from "../auth/request-user";
import type { SessionUser } from "../auth/session-user";
import type { Actor } from "../audit/record";
import { getDb } from "../db/client";
import { env } from "../env";
import { AppError } from "../errors/app-error";
import { asAppError, newRequestId, problemResponse } from "../errors/problem";
import { inLanguage, requestLanguage } from "../errors/problem-language";
import { authenticateToken, bearerOf } from "../integrations/token-auth";
import type { RouteScope } from "../integrations/schemas";
import { clientIp } from "./client-ip";
import { auditRefusal } from "./refusals";
import { checkSameOrigin } from "./same-origin";

type Params = Record<string, string>;
/** Set in a route's audit context when its refusal was already audited (as an access refusal). */
const AUDITED = "alreadyAudited";
type Ctx = { params: Promise<Params> };

export type RouteContext = {
  req: Request;
  params: Params;
  requestId: string;
  ip: string | null;
  /** What a refusal of this request is audited with, besides its code (for example the sid). */
  auditContext: Record<string, unknown>;
};
export type UserRouteContext = RouteContext & {
  user: SessionUser;
  actor: Actor;
  /** Set when an API token, not a session, authenticated the request (docs/integrations.md). */
  tokenId?: string;
};

export type RouteOptions = {
  /** Audit every refusal (4xx AppError) of this route under this action, capped per caller. */
  refusals?: string;
  /** The `WWW-Authenticate` challenge every 401 of this route carries (RFC 9110 section 11.6.1). */
  challenge?: string;
  /**
   * A route people call from translated pages (docs/i18n.md): a problem's title and detail come
   * in the reader's language, unless an API token authenticates the request (programs read English).
   */
  people?: boolean;
};

/** The saved language of the account a request was authenticated as, for its problem answers. */
const accountLanguage = new WeakMap<Request, string | null>();

/**
 * Wraps a route handler: every thrown error becomes problem+json, every answer gets a request
 * id, and with `refusals` each refusal is audited (one key scheme: action, caller, code).
 */
export function apiRoute(handler: (c: RouteContext) => Promise<Response>, opts: RouteOptions = {}) {
  return async (req: Request, ctx: Ctx): Promise<Response> => {
    const requestId = newRequestId();
    const ip = clientIp(req.headers);
    const auditContext: Record<string, unknown> = {};
    try {
      const params = ctx?.params ? await ctx.params : {};
      const res = await handler({ req, params, requestId, ip, auditContext });
      res.headers.set("X-Request-Id", requestId);
      if (!res.headers.has("Cache-Control")) res.headers.set("Cache-Control", "no-store");
      return res;
    } catch (err) {
      if (opts.refusals && err instanceof AppError && err.status < 500 && !auditContext[AUDITED]) {
        const actor = (auditContext.actor as Actor | undefined) ?? { id: null, label: "anonymous", ip };
        await auditRouteRefusal(actor, opts.refusals, err, req, auditContext).catch((e) => asAppError(e, requestId));
      }
      let problem = asAppError(err, requestId);
      if (opts.people && bearerOf(req) === null)
        problem = inLanguage(problem, requestLanguage(req, accountLanguage.get(req)));
      const res = problemResponse(problem, requestId);
      if (opts.challenge && res.status === 401) res.headers.set("WWW-Authenticate", opts.challenge);
      return res;
    }
  };
}

async function auditRouteRefusal(
  actor: Actor,
  action: string,
  err: AppError,
  req: Request,
  context: Record<string, unknown>,
) {
  const { actor: _actor, [AUDITED]: _audited, ...detail } = context;
  await auditRefusal(await getDb(), actor, action, err, req, { detail });
}

/**
 * A request that carries `Authorization: Bearer …` is judged by that token alone, never by its
 * cookie: on a read route that names the scope it needs (`token`), the token must hold it; on
 * any other route it is refused (`token_not_accepted`), so a token never stands in for a
 * person's session. Every refusal is audited, capped per address (docs/integrations.md).
 */
async function asTokenCaller(c: RouteContext, bearer: string, scope: RouteScope | undefined) {
  try {
    const read = c.req.method === "GET" || c.req.method === "HEAD";
    if (!scope || !read)
      throw new AppError(
        "token_not_accepted",
        "This route does not take an API token: the routes that do say so in /docs/api, with their scope.",
      );
    return await authenticateToken(await getDb(), bearer, scope, {
      ip: c.ip,
      method: c.req.method,
      path: new URL(c.req.url).pathname,
      studyId: c.params.studyId,
      perMinute: env().CLAIMLINK_TOKEN_REQUESTS_PER_MINUTE,
    });
  } catch (err) {
    if (err instanceof AppError && err.status < 500) {
      await auditRefusal(await getDb(), { id: null, label: "api token", ip: c.ip }, "token.refused", err, c.req);
      c.auditContext[AUDITED] = true;
    }
    throw err;
  }
}

/**
 * A route for a signed-in user (or staff with `{ staff: true }`). State-changing methods must
 * come from our own origin: the session cookie alone never authorises a cross-site request.
 * A staff route's GET and HEAD also admit support accounts (read-only staff); every other
 * method of a staff route admits staff only, so no write can forget to refuse support.
 * With `token`, a read also takes an API token holding that scope instead of a session.
 */
export function userRoute(
  handler: (c: UserRouteContext) => Promise<Response>,
  opts: RouteOptions & { staff?: boolean; enrolment?: boolean; token?: RouteScope } = {},
) {
  return apiRoute(
    async (c) => {
      const bearer = bearerOf(c.req);
      if (bearer !== null) {
        const caller = await asTokenCaller(c, bearer, opts.token);
        c.auditContext.actor = caller.actor;
        return handler({ ...c, user: caller.user, actor: caller.actor, tokenId: caller.tokenId });
      }
      let user: SessionUser;
      let found: SessionUser | null | undefined;
      try {
        if (c.req.method !== "GET" && c.req.method !== "HEAD") checkSameOrigin(c.req, env().publicUrl);
        const read = c.req.method === "GET" || c.req.method === "HEAD";
        found = await userOfRequest(c.req);
        user = requireUserApi(found, { ...opts, staff: opts.staff ? (read ? "read" : "write") : false });
      } catch (err) {
        if (err instanceof AppError && (err.code === "forbidden" || err.code === "csrf_failed")) {
          // A cross-site request is refused before its session is read: it is looked up for the record.
          const who = found !== undefined ? found : await userOfRequest(c.req).catch(() => null);
          await recordRefusedAccess(c.ip, err.code, c.req.method, new URL(c.req.url).pathname, who);
          c.auditContext[AUDITED] = true;
        }
        throw err;
      }
      const actor: Actor = { id: user.id, label: user.email, ip: c.ip };
      c.auditContext.actor = actor;
      accountLanguage.set(c.req, user.locale);
      return handler({ ...c, user, actor });
    },
    { refusals: opts.refusals, people: opts.people },
  );
}

export { json, readJson, MAX_JSON_BYTES, SMALL_BODY_BYTES } from "./request";
