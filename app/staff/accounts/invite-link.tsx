"use client";

import { useTranslations } from "next-intl";
import { CopyButton } from "../../_components/ui/copy-button";
import { Notice } from "../../_components/ui/notice";

/** A freshly issued invitation (or password-reset) link, shown once, with a copy button. */
export function InviteLink({
  email,
  link,
  kind = "invitation",
}: {
  email: string;
  link: string;
  kind?: "invitation" | "reset";
}) {
  const t = useTranslations("staffAccounts");
  return (
    <Notice tone="ok" data-testid={kind === "reset" ? "reset-link" : "invite-link"}>
      <p>{t.rich(`link.${kind}`, { email, strong: (chunks) => <strong>{chunks}</strong> })}</p>
      <p className="my-2 font-mono text-xs break-all" data-testid={kind === "reset" ? "reset-url" : "invite-url"}>
        {link}
      </p>
      <CopyButton value={link} label={t("copyLink")} copiedLabel={t("copied")} />
    </Notice>
  );
}
