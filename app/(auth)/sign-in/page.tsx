import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getCurrentUser } from "@/lib/auth/current";
import { safeReturnPath } from "@/lib/auth/messages";
import { mailEnabled } from "@/lib/mail/send";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const params = await searchParams;
  const next = safeReturnPath(params.next);
  if (await getCurrentUser()) redirect(next);
  return (
    <main>
      <div className="card narrow">
        <h1>Sign in</h1>
        <SignInForm next={next} forgotPassword={mailEnabled()} />
        <p className="muted small">Accounts are created by invitation. Ask the project team if you have none.</p>
      </div>
    </main>
  );
}
