"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn, signOut } from "@/lib/auth/config";
import { getTranslations } from "next-intl/server";
import { safeReturnPath, signInRefusal } from "@/lib/auth/messages";
import { passwordStep } from "@/lib/auth/sign-in-form";

export type SignInState = { error: string | null; email: string; step: "password" | "code"; ticket?: string };

/**
 * Two steps: the password (which yields a short-lived ticket), then, with two-factor on, the
 * code. next-auth's signIn consumes the ticket and creates the server-side session.
 */
export async function signInAction(prev: SignInState, form: FormData): Promise<SignInState> {
  const t = await getTranslations("signIn.errors");
  const signInMessage = (code: string | undefined) => {
    const r = signInRefusal(code);
    return t(r.key, r.values);
  };
  const redirectTo = safeReturnPath(form.get("next"));
  const ticket = String(form.get("ticket") ?? "").slice(0, 64);
  const email = String(form.get("email") ?? prev.email ?? "").slice(0, 254);
  if (ticket) {
    const code = String(form.get("code") ?? "").slice(0, 40);
    try {
      await signIn("credentials", { ticket, code, redirectTo });
    } catch (err) {
      if (err instanceof CredentialsSignin) {
        // An expired or exhausted ticket goes back to the password step.
        if (err.code === "ticket_expired") return { error: signInMessage(err.code), email, step: "password" };
        return { error: signInMessage(err.code), email, step: "code", ticket };
      }
      if (err instanceof AuthError) return { error: signInMessage(undefined), email, step: "code", ticket };
      throw err; // the success redirect is thrown as NEXT_REDIRECT
    }
    return { error: null, email, step: "password" };
  }
  const password = String(form.get("password") ?? "").slice(0, 256);
  const step = await passwordStep(email, password);
  if (!step.ok) return { error: signInMessage(step.code), email, step: "password" };
  if (step.secondFactor) return { error: null, email, step: "code", ticket: step.ticket };
  try {
    await signIn("credentials", { ticket: step.ticket, redirectTo });
  } catch (err) {
    if (err instanceof CredentialsSignin) return { error: signInMessage(err.code), email, step: "password" };
    if (err instanceof AuthError) return { error: signInMessage(undefined), email, step: "password" };
    throw err;
  }
  return { error: null, email, step: "password" };
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
