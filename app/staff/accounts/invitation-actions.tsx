"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { LinkDialog } from "../../_components/ui/link-dialog";
import { ActionMenu } from "../../_components/ui/menu";

/** A pending invitation's actions: a new link (the old one stops working) or cancelling it. */
export function InvitationActions({ id, email }: { id: string; email: string }) {
  const router = useRouter();
  const [link, setLink] = useState<string | null>(null);
  return (
    <>
      <ActionMenu
        label={`Actions for the invitation of ${email}`}
        items={[
          {
            key: "renew",
            label: "New link",
            run: async () => {
              const r = await api<{ link?: string; mailed: boolean; mailError?: string }>(
                `/api/v1/staff/invitations/${id}/renew`,
                { method: "POST" },
              );
              setLink(r.link ?? null);
              router.refresh();
              return r.mailed ? `A new link was mailed to ${email}.` : r.mailError;
            },
          },
          {
            key: "cancel",
            label: "Cancel the invitation",
            tone: "danger",
            confirm: {
              title: `Cancel the invitation of ${email}?`,
              description: "Its link stops working. You can invite them again.",
              confirmLabel: "Cancel the invitation",
              cancelLabel: "Keep it",
            },
            run: async () => {
              await api(`/api/v1/staff/invitations/${id}`, { method: "DELETE" });
              router.refresh();
              return "Invitation cancelled.";
            },
          },
        ]}
      />
      <LinkDialog
        open={link !== null}
        onClose={() => setLink(null)}
        title={`Invitation for ${email}`}
        description="Send this link to them: it works once and is shown only now."
        link={link ?? ""}
        copyLabel="Copy link"
        copiedLabel="Copied"
        closeLabel="Done"
        testId="invite-link"
        urlTestId="invite-url"
      />
    </>
  );
}
