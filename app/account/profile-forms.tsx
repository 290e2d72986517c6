"use client";

import { useTranslations } from "next-intl";
import { api } from "../_components/api";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";
import { useAction } from "../_components/use-action";
import { Button } from "../_components/ui/button";
import { Field, FieldRow, Input } from "../_components/ui/field";
import { StatusMessage } from "../_components/ui/status-message";
import { useRefusal } from "./refusal";

export function NameForm({ name }: { name: string }) {
  const t = useTranslations("account.profile");
  const refusal = useRefusal("name");
  const { busy, message, run } = useAction();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const value = String(new FormData(e.currentTarget).get("name") ?? "");
        void run(async () => {
          await api("/api/v1/me", { method: "PATCH", body: { name: value } }).catch((err) => {
            throw refusal(err);
          });
          return t("nameChanged");
        });
      }}
    >
      <FieldRow>
        <Field id="display-name" label={t("displayName")}>
          <Input id="display-name" name="name" defaultValue={name} required maxLength={100} />
        </Field>
        <Button type="submit" variant="secondary" disabled={busy}>
          {t("saveName")}
        </Button>
      </FieldRow>
      <StatusMessage message={message} className="mt-2" />
    </form>
  );
}

export function PasswordForm() {
  const t = useTranslations("account.profile");
  const differ = useTranslations("account.refusals")("passwordsDiffer");
  const refusal = useRefusal("password");
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
          if ("error" in chosen) throw new Error(differ);
          const r = await api<{ sessionsEnded: number }>("/api/v1/me/password", {
            method: "POST",
            body: { current: String(form.get("current") ?? ""), password: chosen.password },
          }).catch((err) => {
            throw refusal(err);
          });
          formElement.reset();
          return t("changed", { ended: r.sessionsEnded });
        });
      }}
    >
      <Field id="current-password" label={t("current")}>
        <Input id="current-password" name="current" type="password" autoComplete="current-password" required />
      </Field>
      <NewPasswordFields label={t("new")} repeatLabel={t("repeat")} idPrefix="new-" />
      <StatusMessage message={message} testId="password-note" />
      <Button type="submit" variant="secondary" disabled={busy}>
        {t("change")}
      </Button>
    </form>
  );
}
