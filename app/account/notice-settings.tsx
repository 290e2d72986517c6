"use client";

import { useTranslations } from "next-intl";
import { api } from "../_components/api";
import { useAction } from "../_components/use-action";
import { Button } from "../_components/ui/button";
import { CheckboxField } from "../_components/ui/field";
import { StatusMessage } from "../_components/ui/status-message";
import { useRefusal } from "./refusal";

type Kind = { kind: string; on: boolean };

/** Which device notices this account gets by mail; each kind can be switched off. */
export function NoticeSettings({ kinds, mailEnabled }: { kinds: Kind[]; mailEnabled: boolean }) {
  const t = useTranslations("account.notices");
  const refusal = useRefusal();
  const { busy, message, run } = useAction({ refresh: false });
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const off = kinds.filter((k) => form.get(k.kind) !== "on").map((k) => k.kind);
        void run(async () => {
          await api("/api/v1/me/notices", { method: "PUT", body: { off } }).catch((err) => {
            throw refusal(err);
          });
          return t("saved");
        });
      }}
    >
      {!mailEnabled && <p className="text-sm text-muted">{t("noMail")}</p>}
      <fieldset className="space-y-2.5">
        <legend className="mb-2 text-sm font-medium">{t("legend")}</legend>
        {kinds.map((k) => (
          <CheckboxField
            key={k.kind}
            id={`notice-${k.kind}`}
            name={k.kind}
            label={t(`kinds.${k.kind}`)}
            defaultChecked={k.on}
          />
        ))}
      </fieldset>
      <StatusMessage message={message} testId="notice-settings-message" />
      <Button type="submit" variant="secondary" disabled={busy}>
        {busy ? t("saving") : t("save")}
      </Button>
    </form>
  );
}
