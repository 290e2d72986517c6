"use client";

import { useState } from "react";
import { api } from "../../../../_components/api";
import { ErasureProgress } from "../../../../_components/erasure-progress";
import { Button, ButtonLink } from "../../../../_components/ui/button";
import { ConfirmDialog } from "../../../../_components/ui/confirm-dialog";
import { Notice } from "../../../../_components/ui/notice";

type Withdrawal = { dataPolicy: "erase" | "retain"; devices: number; erasureId: string | null };

export function WithdrawForm({ studyId, studyName }: { studyId: string; studyName: string }) {
  const [done, setDone] = useState<Withdrawal | null>(null);
  if (done)
    return (
      <div className="space-y-4">
        <Notice tone="ok" title={`You have withdrawn from ${studyName}`} data-testid="withdrawn">
          <p>
            {done.devices === 0
              ? "You had no devices in the study."
              : `${done.devices === 1 ? "Your device was" : `Your ${done.devices} devices were`} released and can no longer send data.`}
          </p>
          {done.erasureId ? (
            <ErasureProgress erasureId={done.erasureId} />
          ) : (
            <p>The data collected until now stays in the study, without your name or email.</p>
          )}
        </Notice>
        <ButtonLink href="/account" variant="secondary">
          Back to your account
        </ButtonLink>
      </div>
    );
  return (
    <div className="flex flex-wrap gap-2">
      <ConfirmDialog
        trigger={<Button variant="danger">Withdraw from the study</Button>}
        title={`Withdraw from ${studyName}?`}
        description="This cannot be undone. What happens is listed on this page."
        confirmLabel="Withdraw"
        busyLabel="Withdrawing…"
        cancelLabel="Cancel"
        onConfirm={async () => {
          const r = await api<Withdrawal>(`/api/v1/me/studies/${studyId}/withdrawal`, { method: "POST" });
          setDone(r);
        }}
      />
      <ButtonLink href="/account" variant="secondary">
        Keep taking part
      </ButtonLink>
    </div>
  );
}
