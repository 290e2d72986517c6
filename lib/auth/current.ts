import { notFound, redirect } from "next/navigation";
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
  if (user.role !== "staff") notFound();
  return user;
}

/** For API routes: throws `unauthenticated` (401) or `forbidden` (403). */
export async function requireUserApi(opts: { staff?: boolean } = {}): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) throw new AppError("unauthenticated", "Sign in to continue.");
  if (opts.staff && user.role !== "staff") throw new AppError("forbidden", "This needs a staff account.");
  return user;
}
