"use client";

import { useState } from "react";
import { api } from "../../../_components/api";
import { useAction } from "../../../_components/use-action";
import { Button } from "../../../_components/ui/button";
import { Panel } from "../../../_components/ui/card";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { Field, FieldRow, Input } from "../../../_components/ui/field";
import { StatusMessage } from "../../../_components/ui/status-message";

/**
 * Staff actions on one device: commands and configuration while it has a live credential,
 * revoke (confirmed), and transfer to another account with a reason.
 */
export function StaffDeviceActions({
  id,
  name,
  live,
  interval,
}: {
  id: string;
  name: string;
  /** It holds a live credential: commands reach it and revoking means something. */
  live: boolean;
  interval: number;
}) {
  const { busy, message, run } = useAction();
  const [seconds, setSeconds] = useState(String(interval));
  const [email, setEmail] = useState("");
  const [reason, setReason] = useState("");
  const command = (type: string, done: string, params?: Record<string, unknown>) =>
    run(() =>
      api(`/api/v1/staff/devices/${id}/commands`, { method: "POST", body: params ? { type, params } : { type } }).then(
        () => done,
      ),
    );
  return (
    <Panel title="Actions" data-testid="staff-device-actions">
      <div className="space-y-6">
        {live && (
          <div className="flex flex-wrap gap-2">
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() => command("identify", "Identify sent: the device shows itself on its next check-in.")}
            >
              Identify
            </Button>
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() => command("reboot", "Reboot sent: the device restarts on its next check-in.")}
            >
              Reboot
            </Button>
            <Button
              variant="secondary"
              disabled={busy}
              onClick={() => command("reprovision", "Re-provisioning requested: the device will show a new code.")}
            >
              Re-provision
            </Button>
            <ConfirmDialog
              trigger={
                <Button variant="danger-outline" disabled={busy}>
                  Revoke
                </Button>
              }
              title={`Revoke ${name}?`}
              description="Its credential stops working at once: its next request is refused, and it must be claimed again."
              confirmLabel={`Yes, revoke ${name}`}
              busyLabel="Revoking…"
              cancelLabel="Cancel"
              onConfirm={() =>
                run(() =>
                  api(`/api/v1/staff/devices/${id}/revoke`, { method: "POST" }).then(
                    () => `${name} is revoked: its next request is refused.`,
                  ),
                )
              }
            />
          </div>
        )}
        {live && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void command(
                "set_config",
                `Measurement interval set to ${seconds} s; the device reads it on its next check-in.`,
                { measurementIntervalSeconds: Number(seconds) },
              );
            }}
          >
            <FieldRow>
              <Field id="config-interval" label="Measurement interval (seconds)" hint="From 10 to 86400 seconds.">
                <Input
                  id="config-interval"
                  type="number"
                  required
                  min={10}
                  max={86400}
                  step={1}
                  value={seconds}
                  aria-describedby="config-interval-hint"
                  onChange={(e) => setSeconds(e.target.value)}
                />
              </Field>
              <Button type="submit" variant="secondary" disabled={busy} className="sm:mb-5">
                Set configuration
              </Button>
            </FieldRow>
          </form>
        )}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void run(async () => {
              const r = await api<{ ownerEmail: string; name: string }>(`/api/v1/staff/devices/${id}/transfer`, {
                method: "POST",
                body: { email, reason },
              });
              setEmail("");
              setReason("");
              return `${r.name} now belongs to ${r.ownerEmail}.`;
            });
          }}
        >
          <h3 className="mb-2 text-sm font-semibold">Transfer to another account</h3>
          <FieldRow>
            <Field id="transfer-email" label="New owner's email">
              <Input
                id="transfer-email"
                type="email"
                required
                maxLength={254}
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </Field>
            <Field id="transfer-reason" label="Reason (kept in the audit log)">
              <Input
                id="transfer-reason"
                required
                minLength={3}
                maxLength={500}
                value={reason}
                onChange={(e) => setReason(e.target.value)}
              />
            </Field>
            <Button type="submit" disabled={busy}>
              Transfer
            </Button>
          </FieldRow>
        </form>
        <StatusMessage message={message} testId="action-message" />
      </div>
    </Panel>
  );
}
