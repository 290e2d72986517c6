import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { clientIp } from "../http/client-ip";
import { auth } from "./config";
import type { SessionUser } from "./session-user";
import { recordRefusedAccess, SECURITY_PAGE } from "./request-user";
import { canChangeStaffData, canReadStaffData } from "./roles";

/** The signed-in user of this request, or null (revoked, expired and disabled count as signed out). */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await auth();
  return (session?.user as SessionUser | undefined) ?? null;
}

export { SECURITY_PAGE } from "./request-user";

/**
 * For pages: the user, or a redirect to sign-in that comes back to `returnTo`. A staff account
 * that must still switch on two-factor is sent to /account/security (`enrolment` pages only).
 */
export async function requireUserPage(returnTo: string, opts: { enrolment?: boolean } = {}): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  if (user.mustEnrol && !opts.enrolment) redirect(SECURITY_PAGE);
  return user;
}

/**
 * For staff pages: anyone but staff (or support, on pages that only read) gets the ordinary 404,
 * so the pages' existence is not revealed. `write` pages exist only to change something.
 */
export async function requireStaffPage(returnTo: string, opts: { write?: boolean } = {}): Promise<SessionUser> {
  const user = await requireUserPage(returnTo);
  if (!(opts.write ? canChangeStaffData(user.role) : canReadStaffData(user.role))) {
    await auditRefusedAccess(clientIp(await headers()), "forbidden", "GET", returnTo, user);
    notFound();
  }
  return user;
}

/** Records a refused access to a page (a non-staff account at a staff page), by this request's user unless given. */
export async function auditRefusedAccess(
  ip: string | null,
  code: string,
  method: string,
  path: string,
  user?: SessionUser | null,
): Promise<void> {
  // Undefined: this page request's user, looked up here; null: nobody signed in.
  const who = user !== undefined ? user : await getCurrentUser().catch(() => null);
  await recordRefusedAccess(ip, code, method, path, who);
}
