"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { api } from "../../../_components/api";
import { useStaffAction } from "../../../_components/staff-refusal";
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
  const t = useTranslations("staffDevice.actions");
  const { busy, message, run } = useStaffAction();
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
    <Panel title={t("title")} data-testid="staff-device-actions">
      <div className="space-y-6">
        {live && (
          <div className="flex flex-wrap gap-2">
            <Button variant="secondary" disabled={busy} onClick={() => command("identify", t("identifySent"))}>
              {t("identify")}
            </Button>
            <Button variant="secondary" disabled={busy} onClick={() => command("reboot", t("rebootSent"))}>
              {t("reboot")}
            </Button>
            <Button variant="secondary" disabled={busy} onClick={() => command("reprovision", t("reprovisionSent"))}>
              {t("reprovision")}
            </Button>
            <ConfirmDialog
              trigger={
                <Button variant="danger-outline" disabled={busy}>
                  {t("revoke")}
                </Button>
              }
              title={t("revokeTitle", { name })}
              description={t("revokeText")}
              confirmLabel={t("revokeYes", { name })}
              busyLabel={t("revoking")}
              cancelLabel={t("cancel")}
              onConfirm={() =>
                run(() =>
                  api(`/api/v1/staff/devices/${id}/revoke`, { method: "POST" }).then(() => t("revoked", { name })),
                )
              }
            />
          </div>
        )}
        {live && (
          <form
            onSubmit={(e) => {
              e.preventDefault();
              void command("set_config", t("intervalSet", { seconds }), {
                measurementIntervalSeconds: Number(seconds),
              });
            }}
          >
            <FieldRow>
              <Field id="config-interval" label={t("interval")} hint={t("intervalHint")}>
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
                {t("setConfig")}
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
              return t("transferred", { name: r.name, email: r.ownerEmail });
            });
          }}
        >
          <h3 className="mb-2 text-sm font-semibold">{t("transferTitle")}</h3>
          <FieldRow>
            <Field id="transfer-email" label={t("newOwner")}>
              <Input
                id="transfer-email"
                type="email"
                required
                maxLength={254}
                value={email}
                onChange={(e) => setEmail(e.target.value)}
              />
            </Field>
            <Field id="transfer-reason" label={t("reason")}>
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
              {t("transfer")}
            </Button>
          </FieldRow>
        </form>
        <StatusMessage message={message} testId="action-message" />
      </div>
    </Panel>
  );
}
