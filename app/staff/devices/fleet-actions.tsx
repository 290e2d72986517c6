"use client";

import { useRouter } from "next/navigation";
import { api } from "../../_components/api";
import { ActionMenu } from "../../_components/ui/menu";

/**
 * One device's actions in the fleet list, in a menu: only for a device with a live credential
 * (a lost, revoked, released device or a legacy node cannot be sent commands or revoked).
 */
export function FleetActions({ id, name }: { id: string; name: string }) {
  const router = useRouter();
  const command = (type: string, done: string) => async () => {
    await api(`/api/v1/staff/devices/${id}/commands`, { method: "POST", body: { type } });
    return done;
  };
  return (
    <ActionMenu
      label={`Actions for ${name}`}
      items={[
        { key: "open", label: "Open", href: `/staff/devices/${id}` },
        {
          key: "identify",
          label: "Identify",
          run: command("identify", `Identify sent to ${name}: it shows itself on its next check-in.`),
        },
        {
          key: "reprovision",
          label: "Re-provision",
          confirm: {
            title: `Re-provision ${name}?`,
            description: "On its next check-in the device starts a new provisioning session and shows a new code.",
            confirmLabel: "Re-provision",
            cancelLabel: "Cancel",
          },
          run: command("reprovision", `Re-provisioning requested: ${name} will show a new code.`),
        },
        {
          key: "revoke",
          label: "Revoke",
          tone: "danger",
          separatorBefore: true,
          confirm: {
            title: `Revoke ${name}?`,
            description: "Its credential stops working at once: its next request is refused.",
            confirmLabel: `Yes, revoke ${name}`,
            cancelLabel: "Cancel",
          },
          run: async () => {
            await api(`/api/v1/staff/devices/${id}/revoke`, { method: "POST" });
            router.refresh();
            return `${name} is revoked: its next request is refused.`;
          },
        },
      ]}
    />
  );
}
