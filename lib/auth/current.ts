import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { recordRefusal } from "../audit/record";
import { getDb } from "../db/client";
import { clientIp } from "../http/client-ip";
import { AppError } from "../http/errors";
import { auth, type SessionUser } from "./config";

/** The signed-in user of this request, or null (revoked, expired and disabled count as signed out). */
export async function getCurrentUser(): Promise<SessionUser | null> {
  const session = await auth();
  return (session?.user as SessionUser | undefined) ?? null;
}

/** For pages: the user, or a redirect to sign-in that comes back to `returnTo`. */
export async function requireUserPage(returnTo: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  return user;
}

/** For staff pages: anyone but staff gets the ordinary 404, so the pages' existence is not revealed. */
export async function requireStaffPage(returnTo: string): Promise<SessionUser> {
  const user = await requireUserPage(returnTo);
  if (user.role !== "staff") {
    await auditRefusedAccess(clientIp(await headers()), "forbidden", "GET", returnTo, user);
    notFound();
  }
  return user;
}

/** Records a refused access (a non-staff account at a staff page or API, a cross-site write). */
export async function auditRefusedAccess(ip: string | null, code: string, method: string, path: string, user?: SessionUser | null): Promise<void> {
  const who = user ?? (await getCurrentUser().catch(() => null));
  await recordRefusal(await getDb(), { id: who?.id ?? null, label: who?.email ?? "anonymous", ip }, `access:${who?.id ?? ip}:${code}`, {
    action: "access.refused",
    subjectUserId: who?.id ?? null,
    detail: { code, method, path },
  });
}

/** For API routes: throws `unauthenticated` (401) or `forbidden` (403). */
export async function requireUserApi(opts: { staff?: boolean } = {}): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
  if (opts.staff && user.role !== "staff") throw new AppError("forbidden", "This needs a staff account.");
  return user;
}
