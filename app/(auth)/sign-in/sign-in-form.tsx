"use client";

import { useTranslations } from "next-intl";
import Link from "next/link";
import { useActionState } from "react";
import { Button } from "../../_components/ui/button";
import { Field, Input } from "../../_components/ui/field";
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
  const t = useTranslations("signIn");
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {
    error: null,
    email: initialEmail,
    step: "password",
  });
  const error = state.error && (
    <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text" data-testid="form-error">
      {state.error}
    </p>
  );
  // While the session is being made and the next page loads, say so (no blank moment).
  const busy = pending && (
    <p role="status" className="text-sm text-muted">
      {t("busy")}
    </p>
  );
  if (state.step === "code" && state.ticket) {
    return (
      <form action={action} key="code" className="space-y-4">
        <input type="hidden" name="next" value={next} />
        <input type="hidden" name="ticket" value={state.ticket} />
        <input type="hidden" name="email" value={state.email} />
        <p className="text-sm">{t.rich("signingInAs", { email: state.email, strong: (c) => <strong>{c}</strong> })}</p>
        <Field id="code" label={t("code")} hint={t("codeHint")}>
          <Input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            autoFocus
            required
            maxLength={40}
            aria-describedby="code-hint"
            className="font-mono tracking-widest"
          />
        </Field>
        {error}
        <Button type="submit" disabled={pending} className="w-full">
          {pending ? t("checking") : t("continue")}
        </Button>
        {busy}
      </form>
    );
  }
  return (
    <form action={action} key="password" className="space-y-4">
      <input type="hidden" name="next" value={next} />
      <Field id="email" label={t("email")}>
        <Input id="email" name="email" type="email" autoComplete="username" required defaultValue={state.email} />
      </Field>
      <Field id="password" label={t("password")}>
        <Input id="password" name="password" type="password" autoComplete="current-password" required />
      </Field>
      {error}
      <Button type="submit" disabled={pending} className="w-full">
        {pending ? t("submitting") : t("submit")}
      </Button>
      {forgotPassword && (
        <p className="text-center text-sm">
          <Link href="/forgot-password">{t("forgot")}</Link>
        </p>
      )}
    </form>
  );
}
