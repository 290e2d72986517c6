"use client";

import { api } from "../_components/api";
import { useAction } from "../_components/use-action";
import { Button } from "../_components/ui/button";
import { Field, Input } from "../_components/ui/field";
import { StatusMessage } from "../_components/ui/status-message";

export function ForgotPasswordForm() {
  const { busy, message, run } = useAction({ refresh: false });
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const email = String(new FormData(e.currentTarget).get("email") ?? "");
        void run(async () => {
          const r = await api<{ message: string }>("/api/v1/password-resets/request", {
            method: "POST",
            body: { email },
          });
          return r.message;
        });
      }}
    >
      <Field id="email" label="Email">
        <Input id="email" name="email" type="email" autoComplete="username" required maxLength={254} />
      </Field>
      <StatusMessage message={message} testId="forgot-note" />
      <Button type="submit" disabled={busy} className="w-full">
        Send me a link
      </Button>
    </form>
  );
}
