"use client";

import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import { signInAction } from "../(auth)/actions";
import { api, ApiError } from "../_components/api";
import { takeLinkToken } from "../_components/link-token";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";
import { INVITE_CONSENT_KEY, type InviteConsent } from "../_components/invite-consent";
import { localized, type Localized } from "../_components/localized";
import { MarkdownText } from "../_components/markdown";
import { Button, ButtonLink } from "../_components/ui/button";
import { CheckboxField } from "../_components/ui/field";

type InvitationStudy = {
  id: string;
  name: Localized;
  description: Localized;
  contactEmail: string;
  dataPolicy: "erase" | "retain";
  consent: { id: string; version: number; text: Localized };
};
type Invitation = { email: string; name: string; expiresAt: string; study: InvitationStudy | null };
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
    const study = state.invitation.study;
    if (study && form.get("consent") !== "yes") {
      setState({ ...state, error: "Tick the box to consent to the study before you continue." });
      return;
    }
    setState({ ...state, busy: true, error: null });
    try {
      await api("/api/v1/invitations/accept", { method: "POST", body: { token: state.token, password } });
    } catch (err) {
      setState({ ...state, busy: false, error: err instanceof Error ? err.message : "Something went wrong." });
      return;
    }
    forget.current();
    // The consent ticked here is recorded by the consent screen right after sign-in, for this version only.
    if (study)
      sessionStorage.setItem(
        INVITE_CONSENT_KEY,
        JSON.stringify({ studyId: study.id, versionId: study.consent.id } satisfies InviteConsent),
      );
    const credentials = new FormData();
    credentials.set("email", state.invitation.email);
    credentials.set("password", password);
    credentials.set("next", study ? `/studies/${study.id}/consent` : "/");
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
      {state.invitation.study && <StudyConsent study={state.invitation.study} />}
      <p className="text-sm">
        Hello {state.invitation.name}. Choose a password for <strong>{state.invitation.email}</strong>.
      </p>
      <NewPasswordFields hint />
      {state.invitation.study && (
        <CheckboxField
          id="invite-consent"
          name="consent"
          value="yes"
          data-testid="invite-consent"
          label={`I have read version ${state.invitation.study.consent.version} of the consent text above and I agree to take part in ${localized(state.invitation.study.name)} on these terms.`}
        />
      )}
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

/** The study an invitation names: what it is and the consent text, read before the account exists. */
function StudyConsent({ study }: { study: InvitationStudy }) {
  return (
    <div className="space-y-3 border-b border-line pb-4" data-testid="invite-study">
      <h2 className="text-base font-semibold">You are invited to take part in {localized(study.name)}</h2>
      <MarkdownText text={localized(study.description)} />
      <div className="max-h-80 overflow-y-auto rounded-md border border-line bg-sunken px-3 py-2" tabIndex={0}>
        <p className="mb-2 text-xs font-medium tracking-wide text-muted uppercase">
          Consent text, version {study.consent.version}
        </p>
        <MarkdownText text={localized(study.consent.text)} testId="invite-consent-text" />
      </div>
      <p className="text-sm text-muted">
        {study.dataPolicy === "erase"
          ? "If you withdraw later, your readings, answers and device records in the study are deleted."
          : "If you withdraw later, the data collected until then stays in the study, without your name or email."}{" "}
        Questions? Write to <a href={`mailto:${study.contactEmail}`}>{study.contactEmail}</a>.
      </p>
    </div>
  );
}
