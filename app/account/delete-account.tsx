"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../_components/api";
import { Button } from "../_components/ui/button";
import { ConfirmDialog } from "../_components/ui/confirm-dialog";
import { Field, Input } from "../_components/ui/field";
import { useRefusal } from "./refusal";

/** "Delete my account": the password, then a confirmation that says what happens. */
export function DeleteAccount({ inStudies }: { inStudies: boolean }) {
  const t = useTranslations("account.delete");
  const cancel = useTranslations("account")("cancel");
  const refusal = useRefusal("delete");
  const [password, setPassword] = useState("");
  const [open, setOpen] = useState(false);
  return (
    <div className="space-y-3">
      <ul className="list-disc space-y-1 ps-5 text-sm">
        <li>{t("devices")}</li>
        {inStudies && <li>{t("studies")}</li>}
        <li>{t("signOut")}</li>
      </ul>
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(e) => {
          e.preventDefault();
          if (password) setOpen(true);
        }}
      >
        <Field id="delete-password" label={t("password")} className="w-full sm:w-72">
          <Input
            id="delete-password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </Field>
        <Button type="submit" variant="danger-outline">
          {t("submit")}
        </Button>
      </form>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title={t("confirmTitle")}
        description={t("confirmText")}
        confirmLabel={t("submit")}
        busyLabel={t("deleting")}
        cancelLabel={cancel}
        onConfirm={async () => {
          await api("/api/v1/me/deletion", { method: "POST", body: { password } }).catch((err) => {
            throw refusal(err);
          });
          window.location.assign("/sign-in");
        }}
      />
    </div>
  );
}
