"use client";

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
      description={
        <>
          On the request of <span className="break-all">{email}</span>. This is what will happen:
        </>
      }
      confirmLabel={confirmLabel}
      busyLabel={busyLabel}
      cancelLabel="Cancel"
      onOpenChange={(open) => !open && setReason("")}
      onConfirm={async () => {
        const r = reason.trim();
        if (!r) throw new Error("Say why: when and how they asked. The reason is kept in the audit log.");
        await run(r);
        router.refresh();
      }}
    >
      <ul className="mt-3 list-disc space-y-1.5 ps-5 text-sm" data-testid="consequences">
        {consequences.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <Field id={`${id}-reason`} label="Reason (their request)" className="mt-4">
        <Textarea
          id={`${id}-reason`}
          rows={2}
          maxLength={REASON_MAX}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          placeholder="Asked by mail on 3 March"
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
  return (
    <OnRequest
      id={`withdraw-${props.studyId}`}
      trigger="Withdraw on request"
      title={`Withdraw ${props.who} from ${props.studyName}?`}
      email={props.email}
      consequences={props.consequences}
      confirmLabel="Withdraw"
      busyLabel="Withdrawing…"
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
  return (
    <OnRequest
      id="delete"
      trigger="Delete account on request"
      title={`Delete the account of ${props.who}?`}
      email={props.email}
      consequences={props.consequences}
      confirmLabel="Delete account"
      busyLabel="Deleting…"
      run={async (reason) => {
        await api(`/api/v1/staff/accounts/${props.userId}/deletion`, { method: "POST", body: { reason } });
      }}
    />
  );
}
