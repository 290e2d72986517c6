import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { recordRefusal } from "../audit/record";
import { getDb } from "../db/client";
import { clientIp } from "../http/client-ip";
import { AppError } from "../errors/app-error";
import { auth, type SessionUser } from "./config";
import { canChangeStaffData, canReadStaffData } from "./roles";

/** The signed-in user of this request, or null (revoked, expired and disabled count as signed out). */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await auth();
  return (session?.user as SessionUser | undefined) ?? null;
}

export const SECURITY_PAGE = "/account/security";

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

/** Records a refused access (a non-staff account at a staff page or API, a cross-site write). */
export async function auditRefusedAccess(
  ip: string | null,
  code: string,
  method: string,
  path: string,
  user?: SessionUser | null,
): Promise<void> {
  const who = user ?? (await getCurrentUser().catch(() => null));
  await recordRefusal(
    await getDb(),
    { id: who?.id ?? null, label: who?.email ?? "anonymous", ip },
    { action: "access.refused", code, subjectUserId: who?.id ?? null, detail: { method, path } },
  );
}

/**
 * For API routes: throws `unauthenticated` (401), `forbidden` or `two_factor_required` (403).
 * `staff: "read"` also admits support accounts; `staff: "write"` (or `true`) admits staff only.
 */
export async function requireUserApi(
  opts: { staff?: boolean | "read" | "write"; enrolment?: boolean } = {},
): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
  if (opts.staff === "read" && !canReadStaffData(user.role))
    throw new AppError("forbidden", "This needs a staff or support account.");
  if ((opts.staff === true || opts.staff === "write") && !canChangeStaffData(user.role))
    throw new AppError("forbidden", "This needs a staff account.");
  if (user.mustEnrol && !opts.enrolment)
    throw new AppError("two_factor_required", `Switch on two-factor sign-in at ${SECURITY_PAGE} first.`);
  return user;
}
