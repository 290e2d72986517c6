"use client";

import { useEffect, useState } from "react";
import { signInAction } from "../(auth)/actions";
import { api, ApiError } from "../_components/api";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";

type Invitation = { email: string; name: string; expiresAt: string };
type State =
  | { step: "loading" }
  | { step: "invalid"; message: string }
  | { step: "form"; token: string; invitation: Invitation; error: string | null; busy: boolean };

const NO_TOKEN = "This page needs the full invitation link. Open the link from your invitation again.";

export function AcceptInvitation() {
  const [state, setState] = useState<State>({ step: "loading" });

  useEffect(() => {
    // The token lives in the fragment, which browsers never send to a server. Take it out of
    // the address bar at once so it does not linger in history or get shared by accident.
    const token = window.location.hash.slice(1);
    if (token) history.replaceState(null, "", window.location.pathname);
    const lookup = token
      ? api<Invitation>("/api/v1/invitations/lookup", { method: "POST", body: { token } })
      : Promise.reject(new Error(NO_TOKEN));
    lookup
      .then((invitation) => setState({ step: "form", token, invitation, error: null, busy: false }))
      .catch((err: unknown) =>
        setState({ step: "invalid", message: err instanceof ApiError ? err.message : NO_TOKEN }),
      );
  }, []);

  if (state.step === "loading") return <p className="muted">Checking your invitation…</p>;
  if (state.step === "invalid")
    return (
      <p className="notice error" data-testid="invite-error">
        {state.message}
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
      await api("/api/v1/invitations/accept", { method: "POST", body: { token: state.token, password } });
    } catch (err) {
      setState({ ...state, busy: false, error: err instanceof Error ? err.message : "Something went wrong." });
      return;
    }
    const credentials = new FormData();
    credentials.set("email", state.invitation.email);
    credentials.set("password", password);
    credentials.set("next", "/");
    await signInAction({ error: null, email: state.invitation.email, step: "password" }, credentials);
  }

  return (
    <form action={submit}>
      <p>
        Hello {state.invitation.name}. Choose a password for <strong>{state.invitation.email}</strong>.
      </p>
      <NewPasswordFields hint />
      {state.error && (
        <p className="notice error" data-testid="form-error">
          {state.error}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={state.busy}>
          {state.busy ? "Creating your account…" : "Create my account"}
        </button>
      </div>
    </form>
  );
}
