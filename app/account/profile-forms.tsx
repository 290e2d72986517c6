"use client";

import { api } from "../_components/api";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";
import { useAction } from "../_components/use-action";
import { Button } from "../_components/ui/button";
import { Field, FieldRow, Input } from "../_components/ui/field";
import { StatusMessage } from "../_components/ui/status-message";

export function NameForm({ name }: { name: string }) {
  const { busy, message, run } = useAction();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const value = String(new FormData(e.currentTarget).get("name") ?? "");
        void run(async () => {
          await api("/api/v1/me", { method: "PATCH", body: { name: value } });
          return "Your name is changed.";
        });
      }}
    >
      <FieldRow>
        <Field id="display-name" label="Display name">
          <Input id="display-name" name="name" defaultValue={name} required maxLength={100} />
        </Field>
        <Button type="submit" variant="secondary" disabled={busy}>
          Save name
        </Button>
      </FieldRow>
      <StatusMessage message={message} className="mt-2" />
    </form>
  );
}

export function PasswordForm() {
  const { busy, message, run } = useAction();
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const formElement = e.currentTarget;
        void run(async () => {
          const chosen = chosenPassword(form);
          if ("error" in chosen) throw new Error(chosen.error);
          const r = await api<{ sessionsEnded: number }>("/api/v1/me/password", {
            method: "POST",
            body: { current: String(form.get("current") ?? ""), password: chosen.password },
          });
          formElement.reset();
          return `Your password is changed. ${r.sessionsEnded} other session${r.sessionsEnded === 1 ? "" : "s"} ended.`;
        });
      }}
    >
      <Field id="current-password" label="Current password">
        <Input id="current-password" name="current" type="password" autoComplete="current-password" required />
      </Field>
      <NewPasswordFields label="New password" repeatLabel="Repeat the new password" idPrefix="new-" />
      <StatusMessage message={message} testId="password-note" />
      <Button type="submit" variant="secondary" disabled={busy}>
        Change password
      </Button>
    </form>
  );
}
