"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";

export function RevokeTokenButton({ id, name }: { id: string; name: string }) {
  const t = useTranslations("staffTokens.revoke");
  const router = useRouter();
  return (
    <ConfirmDialog
      trigger={
        <Button variant="danger-outline" size="sm">
          {t("button")}
        </Button>
      }
      title={t("title", { name })}
      description={t("text")}
      confirmLabel={t("confirm")}
      busyLabel={t("busy")}
      cancelLabel={t("cancel")}
      onConfirm={async () => {
        await api(`/api/v1/staff/tokens/${id}`, { method: "DELETE" });
        router.refresh();
      }}
    />
  );
}
