"use server";

import { AuthError, CredentialsSignin } from "next-auth";
import { signIn, signOut } from "@/lib/auth/config";
import { safeReturnPath, signInMessage } from "@/lib/auth/messages";

export type SignInState = { error: string | null; email: string };

export async function signInAction(_prev: SignInState, form: FormData): Promise<SignInState> {
  const email = String(form.get("email") ?? "").slice(0, 254);
  const password = String(form.get("password") ?? "").slice(0, 256);
  try {
    await signIn("credentials", { email, password, redirectTo: safeReturnPath(form.get("next")) });
  } catch (err) {
    if (err instanceof CredentialsSignin) return { error: signInMessage(err.code), email };
    if (err instanceof AuthError) return { error: signInMessage(undefined), email };
    throw err; // the success redirect is thrown as NEXT_REDIRECT
  }
  return { error: null, email };
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in" });
}
