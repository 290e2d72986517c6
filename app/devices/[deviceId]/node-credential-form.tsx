"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { NodeCredentialShown, type ShownCredential } from "../../_components/node-credential";
import { Time } from "../../_components/time";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { StatusMessage } from "../../_components/ui/status-message";
import { useAction } from "../../_components/use-action";

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
  const [shown, setShown] = useState<ShownCredential | null>(null);
  const { busy, message, run } = useAction();
  const path = `/api/v1/devices/${deviceId}/legacy-credential`;
  const issue = () =>
    run(async () => {
      setShown(await api<ShownCredential>(path, { method: "POST" }));
    });
  return (
    <div className="space-y-3" data-testid="node-credential-panel">
      <p className="text-sm" data-testid="node-credential-state">
        {state === "active" && (
          <>
            Issued <Time value={issuedAt} />: the node must send it with every upload.
          </>
        )}
        {state === "revoked" && "Withdrawn: the node's data is refused until you issue a new one."}
        {state === "none" &&
          "None yet: anyone who knows the node's hardware id can send as it. Issue one and type it into the node."}
      </p>
      {shown && <NodeCredentialShown credential={shown} />}
      <div className="flex flex-wrap gap-2">
        {state === "active" ? (
          <ConfirmDialog
            trigger={<Button variant="secondary">Issue a new password</Button>}
            title="Issue a new password?"
            description="The node's current password stops working at once: its data is refused until you type the new one into it."
            confirmLabel="Issue"
            busyLabel="Issuing…"
            cancelLabel="Cancel"
            tone="primary"
            onConfirm={issue}
          />
        ) : (
          <Button onClick={issue} disabled={busy}>
            {busy ? "Issuing…" : "Issue user and password"}
          </Button>
        )}
        {state === "active" && (
          <ConfirmDialog
            trigger={<Button variant="secondary">Withdraw</Button>}
            title="Withdraw the node's password?"
            description="Its data is refused from its next upload on, with or without the password, until you issue a new one."
            confirmLabel="Withdraw"
            busyLabel="Withdrawing…"
            cancelLabel="Cancel"
            onConfirm={() =>
              run(async () => {
                await api(path, { method: "DELETE" });
                setShown(null);
                return "Withdrawn: the node's data is refused from now on.";
              })
            }
          />
        )}
      </div>
      <StatusMessage message={message} testId="node-credential-message" />
    </div>
  );
}
