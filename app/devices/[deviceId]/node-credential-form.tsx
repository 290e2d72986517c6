"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../_components/api";
import { NodeCredentialShown, type ShownCredential } from "../../_components/node-credential";
import { Time } from "../../_components/time";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { StatusMessage } from "../../_components/ui/status-message";
import { useAction } from "../../_components/use-action";
import { useRefusals } from "./refusals";

type State = "none" | "active" | "revoked";

/** The owner issues, re-issues or withdraws their legacy node's user and password. */
export function NodeCredentialForm({
  deviceId,
  state,
  issuedAt,
}: {
  deviceId: string;
  state: State;
  issuedAt: Date | string | null;
}) {
  const t = useTranslations("device.nodeCredential");
  const guard = useRefusals();
  const [shown, setShown] = useState<ShownCredential | null>(null);
  const { busy, message, run } = useAction();
  const path = `/api/v1/devices/${deviceId}/legacy-credential`;
  const issue = () =>
    run(
      guard("nodeCredential", async () => {
        setShown(await api<ShownCredential>(path, { method: "POST" }));
      }),
    );
  return (
    <div className="space-y-3" data-testid="node-credential-panel">
      <p className="text-sm" data-testid="node-credential-state">
        {state === "active" && t.rich("issued", { time: () => <Time value={issuedAt} /> })}
        {state === "revoked" && t("revoked")}
        {state === "none" && t("none")}
      </p>
      {shown && <NodeCredentialShown credential={shown} />}
      <div className="flex flex-wrap gap-2">
        {state === "active" ? (
          <ConfirmDialog
            trigger={<Button variant="secondary">{t("reissue")}</Button>}
            title={t("reissueTitle")}
            description={t("reissueText")}
            confirmLabel={t("issue")}
            busyLabel={t("issuing")}
            cancelLabel={t("cancel")}
            tone="primary"
            onConfirm={issue}
          />
        ) : (
          <Button onClick={issue} disabled={busy}>
            {busy ? t("issuing") : t("issueFirst")}
          </Button>
        )}
        {state === "active" && (
          <ConfirmDialog
            trigger={<Button variant="secondary">{t("withdraw")}</Button>}
            title={t("withdrawTitle")}
            description={t("withdrawText")}
            confirmLabel={t("withdraw")}
            busyLabel={t("withdrawing")}
            cancelLabel={t("cancel")}
            onConfirm={() =>
              run(
                guard("nodeCredential", async () => {
                  await api(path, { method: "DELETE" });
                  setShown(null);
                  return t("withdrawn");
                }),
              )
            }
          />
        )}
      </div>
      <StatusMessage message={message} testId="node-credential-message" />
    </div>
  );
}
