"use client";

import Link from "next/link";
import { useActionState } from "react";
import { signInAction, type SignInState } from "../actions";

export function SignInForm({
  next,
  email: initialEmail = "",
  forgotPassword = false,
}: {
  next: string;
  email?: string;
  forgotPassword?: boolean;
}) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {
    error: null,
    email: initialEmail,
    step: "password",
  });
  const error = state.error && (
    <p className="notice error" data-testid="form-error">
      {state.error}
    </p>
  );
  if (state.step === "code" && state.ticket) {
    return (
      <form action={action} key="code">
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="ticket" value={state.ticket} />
        <input type="hidden" name="email" value={state.email} />
        <p>
          Signing in as <strong>{state.email}</strong>.
        </p>
        <label htmlFor="code">Code from your authenticator app</label>
        <input
          id="code"
          name="code"
          inputMode="numeric"
          autoComplete="one-time-code"
          autoFocus
          required
          maxLength={40}
          className="code-input"
        />
        <p className="muted small">The 6-digit code your app shows now, or one of your recovery codes.</p>
        {error}
        <div className="actions">
          <button type="submit" disabled={pending}>
            {pending ? "Checking…" : "Continue"}
          </button>
        </div>
      </form>
    );
  }
  return (
    <form action={action} key="password">
      <input type="hidden" name="next" value={next} />
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {error}
      <div className="actions">
        <button type="submit" disabled={pending}>
          {pending ? "Signing in…" : "Sign in"}
        </button>
        {forgotPassword && (
          <Link href="/forgot-password" className="small">
            Forgot password?
          </Link>
        )}
      </div>
    </form>
  );
}
