"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { signInAction } from "../(auth)/actions";
import { api, ApiError } from "../_components/api";
import { takeLinkToken } from "../_components/link-token";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";
import { Button, ButtonLink } from "../_components/ui/button";

type Invitation = { email: string; name: string; expiresAt: string };
type State =
  | { step: "loading" }
  | { step: "invalid"; message: string }
  | { step: "form"; token: string; invitation: Invitation; error: string | null; busy: boolean };

const NO_TOKEN = "This page needs the full invitation link. Open the link from your invitation again.";

export function AcceptInvitation() {
  const [state, setState] = useState<State>({ step: "loading" });
  const forget = useRef<() => void>(() => {});

  useEffect(() => {
    const link = takeLinkToken("invitation");
    forget.current = link.forget;
    const lookup = link.token
      ? api<Invitation>("/api/v1/invitations/lookup", { method: "POST", body: { token: link.token } })
      : Promise.reject(new Error(NO_TOKEN));
    lookup
      .then((invitation) => setState({ step: "form", token: link.token, invitation, error: null, busy: false }))
      .catch((err: unknown) => {
        // A used or expired link is no use after a reload either.
        if (err instanceof ApiError) link.forget();
        setState({ step: "invalid", message: err instanceof ApiError ? err.message : NO_TOKEN });
      });
  }, []);

  if (state.step === "loading") return <p className="text-sm text-muted">Checking your invitation…</p>;
  if (state.step === "invalid")
    return (
      <div className="space-y-4">
        <p
          role="alert"
          className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text"
          data-testid="invite-error"
        >
          {state.message}
        </p>
        <p className="text-sm text-muted">
          Already accepted it? Sign in with the email it was sent to. Otherwise ask the project team for a new link.
        </p>
        <ButtonLink href="/sign-in" variant="secondary">
          Sign in
        </ButtonLink>
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
      await api("/api/v1/invitations/accept", { method: "POST", body: { token: state.token, password } });
    } catch (err) {
      setState({ ...state, busy: false, error: err instanceof Error ? err.message : "Something went wrong." });
      return;
    }
    forget.current();
    const credentials = new FormData();
    credentials.set("email", state.invitation.email);
    credentials.set("password", password);
    credentials.set("next", "/");
    await signInAction({ error: null, email: state.invitation.email, step: "password" }, credentials);
  }

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        // Not a form action: React resets a form after its action, and a mismatch must keep what was typed.
        e.preventDefault();
        void submit(new FormData(e.currentTarget));
      }}
    >
      <p className="text-sm">
        Hello {state.invitation.name}. Choose a password for <strong>{state.invitation.email}</strong>.
      </p>
      <NewPasswordFields hint />
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
        {state.busy ? "Creating your account…" : "Create my account"}
      </Button>
      <p className="text-center text-sm text-muted">
        Have an account already? <Link href="/sign-in">Sign in</Link>
      </p>
    </form>
  );
}
