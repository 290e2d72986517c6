"use client";

import Link from "next/link";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";
import { useEffect, useState } from "react";
import { api, ApiError } from "../_components/api";

type State =
  | { step: "loading" }
  | { step: "invalid"; message: string }
  | { step: "form"; token: string; email: string; error: string | null; busy: boolean }
  | { step: "done"; email: string };

const NO_TOKEN = "This page needs the full password-reset link. Open the link again.";

export function ResetPassword() {
  const [state, setState] = useState<State>({ step: "loading" });

  useEffect(() => {
    // As with invitations: the token lives in the fragment and leaves the address bar at once.
    const token = window.location.hash.slice(1);
    if (token) history.replaceState(null, "", window.location.pathname);
    const lookup = token
      ? api<{ email: string }>("/api/v1/password-resets/lookup", { method: "POST", body: { token } })
      : Promise.reject(new Error(NO_TOKEN));
    lookup
      .then((r) => setState({ step: "form", token, email: r.email, error: null, busy: false }))
      .catch((err: unknown) =>
        setState({ step: "invalid", message: err instanceof ApiError ? err.message : NO_TOKEN }),
      );
  }, []);

  if (state.step === "loading") return <p className="muted">Checking your link…</p>;
  if (state.step === "invalid")
    return (
      <p className="notice error" data-testid="reset-error">
        {state.message}
      </p>
    );
  if (state.step === "done")
    return (
      <p className="notice ok" data-testid="reset-done">
        The password of {state.email} is changed. <Link href="/sign-in">Sign in</Link>
      </p>
    );

  async function submit(form: FormData) {
    if (state.step !== "form") return;
    const chosen = chosenPassword(form);
    if ("error" in chosen) {
      setState({ ...state, error: chosen.error });
      return;
    }
    const { password } = chosen;
    setState({ ...state, busy: true, error: null });
    try {
      await api("/api/v1/password-resets/accept", { method: "POST", body: { token: state.token, password } });
      setState({ step: "done", email: state.email });
    } catch (err) {
      setState({ ...state, busy: false, error: err instanceof Error ? err.message : "Something went wrong." });
    }
  }

  return (
    <form action={submit}>
      <p>
        New password for <strong>{state.email}</strong>.
      </p>
      <NewPasswordFields label="New password" />
      {state.error && (
        <p className="notice error" data-testid="form-error">
          {state.error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={state.busy}>
          {state.busy ? "Saving…" : "Set the new password"}
        </button>
      </div>
    </form>
  );
}
