"use client";

import { useTranslations } from "next-intl";
import { useEffect, useRef, useState } from "react";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { api, ApiError } from "../_components/api";
import { lookUpLink, takeLinkToken } from "../_components/link-token";
import { NewPasswordFields, useChosenPassword } from "../_components/new-password-fields";
import { refusalOf, type Refusal } from "../_components/refusal";
import { Button, ButtonLink } from "../_components/ui/button";

type State =
  | { step: "loading" }
  | { step: "invalid"; refusal: Refusal | null }
  | { step: "form"; token: string; email: string; error: string | null; busy: boolean }
  | { step: "done"; email: string };

// The refusals this page has its own sentence for (messages/*.json `resetPassword.refusals`).
// Looking a link up, a malformed token is `invalid_request`; choosing the password, that is its rules.
const LOOKUP_REFUSALS = ["not_found", "invalid_request", "rate_limited", "network_error"];
const ACCEPT_REFUSALS = ["not_found", "rate_limited", "network_error"];

export function ResetPassword() {
  const t = useTranslations("resetPassword");
  const choosePassword = useChosenPassword();
  const passwordRules = useTranslations("password")("rules", { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
  const [state, setState] = useState<State>({ step: "loading" });
  const forget = useRef<() => void>(() => {});

  useEffect(() => {
    // As with invitations: the token lives in the fragment, leaves the address bar at once and
    // survives a reload in this tab only.
    const link = takeLinkToken("password-reset");
    forget.current = link.forget;
    lookUpLink<{ email: string }>(link, "/api/v1/password-resets/lookup")
      .then((r) => setState({ step: "form", token: link.token, email: r.email, error: null, busy: false }))
      .catch((err: unknown) =>
        setState({ step: "invalid", refusal: err instanceof ApiError ? refusalOf(err, LOOKUP_REFUSALS) : null }),
      );
  }, []);

  if (state.step === "loading") return <p className="text-sm text-muted">{t("checking")}</p>;
  if (state.step === "invalid")
    return (
      <div className="space-y-4">
        <p
          role="alert"
          className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text"
          data-testid="reset-error"
        >
          {state.refusal ? t(`refusals.${state.refusal.key}`, state.refusal.values) : t("noToken")}
        </p>
        <ButtonLink href="/sign-in" variant="secondary">
          {t("signIn")}
        </ButtonLink>
      </div>
    );
  if (state.step === "done")
    return (
      <div className="space-y-4">
        <p role="status" className="rounded-md bg-ok-soft px-3 py-2 text-sm text-ok-text" data-testid="reset-done">
          {t("done", { email: state.email })}
        </p>
        <ButtonLink href="/sign-in">{t("signIn")}</ButtonLink>
      </div>
    );

  async function submit(form: FormData) {
    if (state.step !== "form") return;
    const chosen = choosePassword(form);
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
      const refusal = refusalOf(err, ACCEPT_REFUSALS);
      const error =
        err instanceof ApiError && err.code === "invalid_request"
          ? passwordRules
          : t(`refusals.${refusal.key}`, refusal.values);
      setState({ ...state, busy: false, error });
    }
  }

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit(new FormData(e.currentTarget));
      }}
    >
      <p className="text-sm">{t.rich("newPasswordFor", { email: state.email, strong: (c) => <strong>{c}</strong> })}</p>
      <NewPasswordFields label={t("newPassword")} />
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
        {state.busy ? t("saving") : t("submit")}
      </Button>
    </form>
  );
}
