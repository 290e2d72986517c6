"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { LinkDialog } from "../../_components/ui/link-dialog";
import { ActionMenu } from "../../_components/ui/menu";

/** A pending invitation's actions: a new link (the old one stops working) or cancelling it. */
export function InvitationActions({ id, email }: { id: string; email: string }) {
  const t = useTranslations("staffAccounts.invitation");
  const common = useTranslations("staffAccounts");
  const router = useRouter();
  const [link, setLink] = useState<string | null>(null);
  return (
    <>
      <ActionMenu
        label={t("menu", { email })}
        items={[
          {
            key: "renew",
            label: t("renew"),
            run: async () => {
              const r = await api<{ link?: string; mailed: boolean; mailError?: string }>(
                `/api/v1/staff/invitations/${id}/renew`,
                { method: "POST" },
              );
              setLink(r.link ?? null);
              router.refresh();
              return r.mailed ? t("renewMailed", { email }) : r.mailError;
            },
          },
          {
            key: "cancel",
            label: t("cancel"),
            tone: "danger",
            confirm: {
              title: t("cancelTitle", { email }),
              description: t("cancelText"),
              confirmLabel: t("cancel"),
              cancelLabel: t("keep"),
            },
            run: async () => {
              await api(`/api/v1/staff/invitations/${id}`, { method: "DELETE" });
              router.refresh();
              return t("cancelled");
            },
          },
        ]}
      />
      <LinkDialog
        open={link !== null}
        onClose={() => setLink(null)}
        title={t("linkTitle", { email })}
        description={t("linkText")}
        link={link ?? ""}
        copyLabel={common("copyLink")}
        copiedLabel={common("copied")}
        closeLabel={common("done")}
        testId="invite-link"
        urlTestId="invite-url"
      />
    </>
  );
}
