import { recordRefusal } from "../audit/record";
import { getDb, type Db } from "../db/client";
import { AppError } from "../errors/app-error";
import { env } from "../env";
import { servedOverHttps } from "../http/transport";
import type { SessionUser } from "./session-user";
import { canChangeStaffData, canReadStaffData } from "./roles";
import { resolveSession } from "./sessions";

// The signed-in user of an API request, read from its own Cookie header: the session cookie
// holds an opaque token (docs/decisions/0002-sessions.md), so this is the lookup next-auth's
// decode does, without next-auth's request scope. API routes use it under Next.js and when
// scripts/start.mjs answers them itself (docs/decisions/0010), so this module and what it
// imports stay free of next/* and next-auth (lib/http/device-route-graph.test.ts).

export const SECURITY_PAGE = "/account/security";

/** The session cookie's name, as next-auth sets it: `__Secure-` prefixed when people use https. */
export function sessionCookieName(publicUrl: string): string {
  return `${servedOverHttps(publicUrl) ? "__Secure-" : ""}authjs.session-token`;
}

/**
 * Spaces and tabs only, as next-auth's parser: a wider trim would take a cookie named with a
 * leading no-break space, which a browser does not treat as `__Secure-` prefixed (and so lets
 * anyone on plain http set), for the session cookie.
 */
function trimSpace(s: string): string {
  return s.replace(/^[ \t]+|[ \t]+$/g, "");
}

/** The first cookie called `name` in a Cookie header (percent-decoded when it decodes), or null. */
export function cookieValue(header: string | null, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq < 0 || trimSpace(part.slice(0, eq)) !== name) continue;
    let value = trimSpace(part.slice(eq + 1));
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    try {
      return decodeURIComponent(value);
    } catch {
      return value;
    }
  }
  return null;
}

export function toSessionUser(
  found: NonNullable<Awaited<ReturnType<typeof resolveSession>>>,
  staffTwoFactorRequired: boolean,
): SessionUser {
  return {
    id: found.user.id,
    email: found.user.email,
    name: found.user.name,
    role: found.user.role,
    sessionId: found.session.id,
    twoFactor: found.user.totpEnabledAt !== null,
    mustEnrol: canReadStaffData(found.user.role) && found.user.totpEnabledAt === null && staffTwoFactorRequired,
    locale: found.user.locale ?? null,
  };
}

/** The user whose live session the Cookie header names; null when none (revoked, expired and disabled count as none). */
export async function userOfCookie(
  db: Db,
  cookieHeader: string | null,
  o: { publicUrl: string; staffTwoFactorRequired: boolean },
): Promise<SessionUser | null> {
  const token = cookieValue(cookieHeader, sessionCookieName(o.publicUrl));
  if (!token) return null;
  const found = await resolveSession(db, token);
  return found ? toSessionUser(found, o.staffTwoFactorRequired) : null;
}

/** The signed-in user of an API request, or null. */
export async function userOfRequest(req: Request): Promise<SessionUser | null> {
  const e = env();
  return userOfCookie(await getDb(), req.headers.get("cookie"), e);
}

/**
 * For API routes, given the request's user (userOfRequest): throws `unauthenticated` (401),
 * `forbidden` or `two_factor_required` (403). `staff: "read"` also admits support accounts;
 * `staff: "write"` (or `true`) admits staff only.
 */
export function requireUserApi(
  user: SessionUser | null,
  opts: { staff?: boolean | "read" | "write"; enrolment?: boolean } = {},
): SessionUser {
  if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
  if (opts.staff === "read" && !canReadStaffData(user.role))
    throw new AppError("forbidden", "This needs a staff or support account.");
  if ((opts.staff === true || opts.staff === "write") && !canChangeStaffData(user.role))
    throw new AppError("forbidden", "This needs a staff account.");
  if (user.mustEnrol && !opts.enrolment)
    throw new AppError("two_factor_required", `Switch on two-factor sign-in at ${SECURITY_PAGE} first.`);
  return user;
}

/** Records a refused access (a non-staff account at a staff page or API, a cross-site write) by `who`. */
export async function recordRefusedAccess(
  ip: string | null,
  code: string,
  method: string,
  path: string,
  who: SessionUser | null,
): Promise<void> {
  await recordRefusal(
    await getDb(),
    { id: who?.id ?? null, label: who?.email ?? "anonymous", ip },
    { action: "access.refused", code, subjectUserId: who?.id ?? null, detail: { method, path } },
  );
}
