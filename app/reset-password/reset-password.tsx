"use client";

import { useEffect, useRef, useState } from "react";
import { api, ApiError } from "../_components/api";
import { takeLinkToken } from "../_components/link-token";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";
import { Button, ButtonLink } from "../_components/ui/button";

type State =
  | { step: "loading" }
  | { step: "invalid"; message: string }
  | { step: "form"; token: string; email: string; error: string | null; busy: boolean }
  | { step: "done"; email: string };

const NO_TOKEN = "This page needs the full password-reset link. Open the link again.";

export function ResetPassword() {
  const [state, setState] = useState<State>({ step: "loading" });
  const forget = useRef<() => void>(() => {});

  useEffect(() => {
    // As with invitations: the token lives in the fragment, leaves the address bar at once and
    // survives a reload in this tab only.
    const link = takeLinkToken("password-reset");
    forget.current = link.forget;
    const lookup = link.token
      ? api<{ email: string }>("/api/v1/password-resets/lookup", { method: "POST", body: { token: link.token } })
      : Promise.reject(new Error(NO_TOKEN));
    lookup
      .then((r) => setState({ step: "form", token: link.token, email: r.email, error: null, busy: false }))
      .catch((err: unknown) => {
        if (err instanceof ApiError) link.forget();
        setState({ step: "invalid", message: err instanceof ApiError ? err.message : NO_TOKEN });
      });
  }, []);

  if (state.step === "loading") return <p className="text-sm text-muted">Checking your link…</p>;
  if (state.step === "invalid")
    return (
      <div className="space-y-4">
        <p
          role="alert"
          className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text"
          data-testid="reset-error"
        >
          {state.message}
        </p>
        <ButtonLink href="/sign-in" variant="secondary">
          Sign in
        </ButtonLink>
      </div>
    );
  if (state.step === "done")
    return (
      <div className="space-y-4">
        <p role="status" className="rounded-md bg-ok-soft px-3 py-2 text-sm text-ok-text" data-testid="reset-done">
          The password of {state.email} is changed.
        </p>
        <ButtonLink href="/sign-in">Sign in</ButtonLink>
      </div>
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
      forget.current();
      setState({ step: "done", email: state.email });
    } catch (err) {
      setState({ ...state, busy: false, error: err instanceof Error ? err.message : "Something went wrong." });
    }
  }

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        void submit(new FormData(e.currentTarget));
      }}
    >
      <p className="text-sm">
        New password for <strong>{state.email}</strong>.
      </p>
      <NewPasswordFields label="New password" />
      {state.error && (
        <p
          role="alert"
          className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text"
          data-testid="form-error"
        >
          {state.error}
        </p>
      )}
      <Button type="submit" disabled={state.busy} className="w-full">
        {state.busy ? "Saving…" : "Set the new password"}
      </Button>
    </form>
  );
}
