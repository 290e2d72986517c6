"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../../_components/api";
import { Button } from "../../../_components/ui/button";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { Field, Textarea } from "../../../_components/ui/field";

const REASON_MAX = 500;

/**
 * A consequential action staff take on someone's request: the dialog lists exactly what will
 * happen and asks for the reason (when and how they asked), which the audit log keeps.
 */
function OnRequest({
  id,
  trigger,
  title,
  email,
  consequences,
  confirmLabel,
  busyLabel,
  run,
}: {
  id: string;
  trigger: string;
  title: string;
  email: string;
  consequences: string[];
  confirmLabel: string;
  busyLabel: string;
  run: (reason: string) => Promise<void>;
}) {
  const t = useTranslations("staffAccounts.onRequest");
  const router = useRouter();
  const [reason, setReason] = useState("");
  return (
    <ConfirmDialog
      trigger={
        <Button variant="danger-outline" size="sm">
          {trigger}
        </Button>
      }
      title={title}
      description={t.rich("onRequestOf", { email: () => <span className="break-all">{email}</span> })}
      confirmLabel={confirmLabel}
      busyLabel={busyLabel}
      cancelLabel={t("cancel")}
      onOpenChange={(open) => !open && setReason("")}
      onConfirm={async () => {
        const r = reason.trim();
        if (!r) throw new Error(t("reasonMissing"));
        await run(r);
        router.refresh();
      }}
    >
      <ul className="mt-3 list-disc space-y-1.5 ps-5 text-sm" data-testid="consequences">
        {consequences.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <Field id={`${id}-reason`} label={t("reason")} className="mt-4">
        <Textarea
          id={`${id}-reason`}
          rows={2}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder={t("reasonPlaceholder")}
        />
      </Field>
    </ConfirmDialog>
  );
}

/** "Withdraw on request" from one study, under its data policy. */
export function WithdrawOnRequest(props: {
  userId: string;
  studyId: string;
  studyName: string;
  who: string;
  email: string;
  consequences: string[];
}) {
  const t = useTranslations("staffAccounts.onRequest");
  return (
    <OnRequest
      id={`withdraw-${props.studyId}`}
      trigger={t("withdraw")}
      title={t("withdrawTitle", { who: props.who, study: props.studyName })}
      email={props.email}
      consequences={props.consequences}
      confirmLabel={t("withdrawConfirm")}
      busyLabel={t("withdrawing")}
      run={async (reason) => {
        await api(`/api/v1/staff/studies/${props.studyId}/participants/${props.userId}/withdrawal`, {
          method: "POST",
          body: { reason },
        });
      }}
    />
  );
}

/** "Delete account on request" (the right to erasure). */
export function DeleteOnRequest(props: { userId: string; who: string; email: string; consequences: string[] }) {
  const t = useTranslations("staffAccounts.onRequest");
  return (
    <OnRequest
      id="delete"
      trigger={t("delete")}
      title={t("deleteTitle", { who: props.who })}
      email={props.email}
      consequences={props.consequences}
      confirmLabel={t("deleteConfirm")}
      busyLabel={t("deleting")}
      run={async (reason) => {
        await api(`/api/v1/staff/accounts/${props.userId}/deletion`, { method: "POST", body: { reason } });
      }}
    />
  );
}
