"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import { api, ApiError } from "../_components/api";
import { LinkLookupNotice, useLinkLookup } from "../_components/link-lookup";
import { NewPasswordFields, useChosenPassword } from "../_components/new-password-fields";
import { refusalOf } from "../_components/refusal";
import { Button, ButtonLink } from "../_components/ui/button";

// The refusals this page has its own sentence for (messages/*.json `resetPassword.refusals`).
// Looking a link up, a malformed token is `invalid_request`; choosing the password, that is its rules.
const LOOKUP_REFUSALS = ["not_found", "invalid_request", "rate_limited", "network_error"];
const ACCEPT_REFUSALS = ["not_found", "rate_limited", "network_error"];

export function ResetPassword() {
  const t = useTranslations("resetPassword");
  const choosePassword = useChosenPassword();
  const passwordRules = useTranslations("password")("rules", { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
  const { link, forget } = useLinkLookup<{ email: string }>(
    "password-reset",
    "/api/v1/password-resets/lookup",
    LOOKUP_REFUSALS,
  );
  const [formState, setFormState] = useState<{ error: string | null; busy: boolean }>({ error: null, busy: false });
  const [done, setDone] = useState(false);

  if (link.step !== "found")
    return (
      <LinkLookupNotice
        link={link}
        checking={t("checking")}
        refused={
          link.step === "invalid" && link.refusal
            ? t(`refusals.${link.refusal.key}`, link.refusal.values)
            : t("noToken")
        }
        signIn={t("signIn")}
        testId="reset-error"
      />
    );
  const { token, value } = link;
  const email = value.email;

  if (done)
    return (
      <div className="space-y-4">
        <p role="status" className="rounded-md bg-ok-soft px-3 py-2 text-sm text-ok-text" data-testid="reset-done">
          {t("done", { email })}
        </p>
        <ButtonLink href="/sign-in">{t("signIn")}</ButtonLink>
      </div>
    );

  async function submit(form: FormData) {
    const chosen = choosePassword(form);
    if ("error" in chosen) {
      setFormState({ ...formState, error: chosen.error });
      return;
    }
    const { password } = chosen;
    setFormState({ busy: true, error: null });
    try {
      await api("/api/v1/password-resets/accept", { method: "POST", body: { token, password } });
      forget();
      setDone(true);
    } catch (err) {
      const refusal = refusalOf(err, ACCEPT_REFUSALS);
      const error =
        err instanceof ApiError && err.code === "invalid_request"
          ? passwordRules
          : t(`refusals.${refusal.key}`, refusal.values);
      setFormState({ busy: false, error });
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
      <p className="text-sm">{t.rich("newPasswordFor", { email: email, strong: (c) => <strong>{c}</strong> })}</p>
      <NewPasswordFields label={t("newPassword")} />
      {formState.error && (
        <p
          role="alert"
          className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text"
          data-testid="form-error"
        >
          {formState.error}
        </p>
      )}
      <Button type="submit" disabled={formState.busy} className="w-full">
        {formState.busy ? t("saving") : t("submit")}
      </Button>
    </form>
  );
}
