"use client";

import { useTranslations } from "next-intl";
import { api, ApiError } from "../_components/api";
import { refusalOf } from "../_components/refusal";
import { Button } from "../_components/ui/button";
import { Field, Input } from "../_components/ui/field";
import { StatusMessage } from "../_components/ui/status-message";
import { useAction } from "../_components/use-action";

const REFUSALS = ["rate_limited", "network_error"];

/**
 * Asks for a reset link. The server answers the same for every email (lib/accounts/api.ts), so
 * the page says its own sentence for that answer, in the reader's language.
 */
export function ForgotPasswordForm() {
  const t = useTranslations("forgotPassword");
  const { busy, message, run } = useAction({ refresh: false });
  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        const email = String(new FormData(e.currentTarget).get("email") ?? "").trim();
        void run(async () => {
          if (!/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(t("invalidEmail"));
          try {
            await api("/api/v1/password-resets/request", { method: "POST", body: { email } });
          } catch (err) {
            if (err instanceof ApiError && err.code === "invalid_request")
              throw new Error(t("invalidEmail"), { cause: err });
            const refusal = refusalOf(err, REFUSALS);
            throw new Error(t(`refusals.${refusal.key}`, refusal.values), { cause: err });
          }
          return t("sent");
        });
      }}
    >
      <Field id="email" label={t("email")}>
        <Input id="email" name="email" type="email" autoComplete="username" required maxLength={254} />
      </Field>
      <StatusMessage message={message} testId="forgot-note" />
      <Button type="submit" disabled={busy} className="w-full">
        {t("submit")}
      </Button>
    </form>
  );
}
