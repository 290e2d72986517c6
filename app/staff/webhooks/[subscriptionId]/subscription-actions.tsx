"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../../_components/api";
import { useAction } from "../../../_components/use-action";
import { Button } from "../../../_components/ui/button";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { StatusMessage } from "../../../_components/ui/status-message";
import { SecretNotice } from "../secret-notice";

/** Enable or disable, roll the secret, delete. */
export function SubscriptionActions({ id, enabled }: { id: string; enabled: boolean }) {
  const t = useTranslations("staffWebhooks.actions");
  const router = useRouter();
  const [secret, setSecret] = useState<string | null>(null);
  const action = useAction();
  return (
    <div className="space-y-3">
      {secret && <SecretNotice secret={secret} onDone={() => setSecret(null)} />}
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="secondary"
          size="sm"
          disabled={action.busy}
          onClick={() =>
            void action.run(async () => {
              await api(`/api/v1/staff/webhooks/${id}`, { method: "PATCH", body: { enabled: !enabled } });
              return enabled ? t("disabled") : t("enabled");
            })
          }
        >
          {enabled ? t("disable") : t("enable")}
        </Button>
        <ConfirmDialog
          trigger={
            <Button variant="secondary" size="sm">
              {t("roll")}
            </Button>
          }
          title={t("rollTitle")}
          description={t("rollText")}
          confirmLabel={t("roll")}
          busyLabel={t("rolling")}
          cancelLabel={t("cancel")}
          onConfirm={async () => {
            const r = await api<{ secret: string }>(`/api/v1/staff/webhooks/${id}/secret`, { method: "POST" });
            setSecret(r.secret);
            router.refresh();
          }}
        />
        <ConfirmDialog
          trigger={
            <Button variant="danger-outline" size="sm">
              {t("delete")}
            </Button>
          }
          title={t("deleteTitle")}
          description={t("deleteText")}
          confirmLabel={t("deleteConfirm")}
          busyLabel={t("deleting")}
          cancelLabel={t("cancel")}
          onConfirm={async () => {
            await api(`/api/v1/staff/webhooks/${id}`, { method: "DELETE" });
            router.push("/staff/webhooks");
          }}
        />
        <StatusMessage message={action.message} />
      </div>
    </div>
  );
}

export function ReplayButton({ subscriptionId, deliveryId }: { subscriptionId: string; deliveryId: string }) {
  const t = useTranslations("staffWebhooks.actions");
  const action = useAction();
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        size="sm"
        disabled={action.busy}
        onClick={() =>
          void action.run(async () => {
            await api(`/api/v1/staff/webhooks/${subscriptionId}/deliveries/${deliveryId}/replay`, { method: "POST" });
            return t("replayed");
          })
        }
      >
        {t("replay")}
      </Button>
      <StatusMessage message={action.message} />
    </span>
  );
}
