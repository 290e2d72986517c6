"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { api } from "../../_components/api";
import { ActionMenu } from "../../_components/ui/menu";

/**
 * One device's actions in the fleet list, in a menu: only for a device with a live credential
 * (a lost, revoked, released device or a legacy node cannot be sent commands or revoked).
 */
export function FleetActions({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const t = useTranslations("staffDevices.row");
  const command = (type: string, done: string) => async () => {
    await api(`/api/v1/staff/devices/${id}/commands`, { method: "POST", body: { type } });
    return done;
  };
  return (
    <ActionMenu
      label={t("menu", { name })}
      items={[
        { key: "open", label: t("open"), href: `/staff/devices/${id}` },
        {
          key: "identify",
          label: t("identify"),
          run: command("identify", t("identifySent", { name })),
        },
        {
          key: "reprovision",
          label: t("reprovision"),
          confirm: {
            title: t("reprovisionTitle", { name }),
            description: t("reprovisionText"),
            confirmLabel: t("reprovision"),
            cancelLabel: t("cancel"),
          },
          run: command("reprovision", t("reprovisionSent", { name })),
        },
        {
          key: "revoke",
          label: t("revoke"),
          tone: "danger",
          separatorBefore: true,
          confirm: {
            title: t("revokeTitle", { name }),
            description: t("revokeText"),
            confirmLabel: t("revokeYes", { name }),
            cancelLabel: t("cancel"),
          },
          run: async () => {
            await api(`/api/v1/staff/devices/${id}/revoke`, { method: "POST" });
            router.refresh();
            return t("revoked", { name });
          },
        },
      ]}
    />
  );
}
