"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../../../_components/api";
import { ErasureProgress } from "../../../../_components/erasure-progress";
import { Button, ButtonLink } from "../../../../_components/ui/button";
import { ConfirmDialog } from "../../../../_components/ui/confirm-dialog";
import { Notice } from "../../../../_components/ui/notice";
import { useRefusal } from "../../../refusal";

type Withdrawal = { dataPolicy: "erase" | "retain"; devices: number; erasureId: string | null };

export function WithdrawForm({ studyId, studyName }: { studyId: string; studyName: string }) {
  const t = useTranslations("account.withdraw");
  const cancel = useTranslations("account")("cancel");
  const refusal = useRefusal("withdraw");
  const [done, setDone] = useState<Withdrawal | null>(null);
  if (done)
    return (
      <div className="space-y-4">
        <Notice tone="ok" title={t("withdrawnTitle", { study: studyName })} data-testid="withdrawn">
          <p>{done.devices === 0 ? t("hadNoDevices") : t("released", { count: done.devices })}</p>
          {done.erasureId ? <ErasureProgress erasureId={done.erasureId} /> : <p>{t("retainedNow")}</p>}
        </Notice>
        <ButtonLink href="/account" variant="secondary">
          {t("backToAccount")}
        </ButtonLink>
      </div>
    );
  return (
    <div className="flex flex-wrap gap-2">
      <ConfirmDialog
        trigger={<Button variant="danger">{t("submit")}</Button>}
        title={t("confirmTitle", { study: studyName })}
        description={t("confirmText")}
        confirmLabel={t("confirm")}
        busyLabel={t("withdrawing")}
        cancelLabel={cancel}
        onConfirm={async () => {
          const r = await api<Withdrawal>(`/api/v1/me/studies/${studyId}/withdrawal`, { method: "POST" }).catch(
            (err) => {
              throw refusal(err);
            },
          );
          setDone(r);
        }}
      />
      <ButtonLink href="/account" variant="secondary">
        {t("keep")}
      </ButtonLink>
    </div>
  );
}
