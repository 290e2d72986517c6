"use client";

import { useActionState } from "react";
import { signInAction, type SignInState } from "../actions";

export function SignInForm({ next, email: initialEmail = "" }: { next: string; email?: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, { error: null, email: initialEmail });
  return (
    <form action={action}>
      <input type="hidden" name="next" value={next} />
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      <label htmlFor="password">Password</label>
      <input id="password" name="password" type="password" autoComplete="current-password" required />
      {state.error && <p className="notice error" data-testid="form-error">{state.error}</p>}
      <div className="actions">
        <button type="submit" disabled={pending}>{pending ? "Signing in…" : "Sign in"}</button>
      </div>
    </form>
  );
}
