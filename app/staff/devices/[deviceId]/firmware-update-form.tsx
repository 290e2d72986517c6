"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { api } from "../../../_components/api";
import { useStaffAction } from "../../../_components/staff-refusal";
import { Button } from "../../../_components/ui/button";
import { Field, FieldRow, Input, Select } from "../../../_components/ui/field";
import { StatusMessage } from "../../../_components/ui/status-message";

export type ImageChoice = { sha256: string; version: string };

/**
 * Send this device a signed firmware image of its model (docs/protocol.md section 7), waiting
 * for it at most 30 days. The server refuses another model's or a withdrawn image.
 */
export function FirmwareUpdateForm({ deviceId, images }: { deviceId: string; images: ImageChoice[] }) {
  const t = useTranslations("staffDevice.update");
  const { busy, message, run } = useStaffAction();
  const [sha256, setSha256] = useState(images[0]?.sha256 ?? "");
  const [days, setDays] = useState("7");
  if (images.length === 0) {
    return <p className="text-sm text-muted">{t("noImages")}</p>;
  }
  return (
    <form
      data-testid="firmware-update-form"
      onSubmit={(e) => {
        e.preventDefault();
        const version = images.find((i) => i.sha256 === sha256)?.version ?? "";
        void run(() =>
          api(`/api/v1/staff/devices/${deviceId}/firmware-update`, {
            method: "POST",
            body: { sha256, expiresInDays: Number(days) },
          }).then(() => t("sent", { version })),
        );
      }}
    >
      <FieldRow>
        <Field id="update-image" label={t("image")}>
          <Select id="update-image" value={sha256} onChange={(e) => setSha256(e.target.value)}>
            {images.map((i) => (
              <option key={i.sha256} value={i.sha256}>
                {i.version} ({i.sha256.slice(0, 12)})
              </option>
            ))}
          </Select>
        </Field>
        <Field id="update-days" label={t("days")} hint={t("daysHint")}>
          <Input
            id="update-days"
            type="number"
            required
            min={1}
            max={30}
            step={1}
            value={days}
            aria-describedby="update-days-hint"
            onChange={(e) => setDays(e.target.value)}
          />
        </Field>
        <Button type="submit" variant="secondary" disabled={busy} className="sm:mb-5">
          {t("send")}
        </Button>
      </FieldRow>
      <StatusMessage message={message} testId="firmware-update-message" className="mt-2" />
    </form>
  );
}

/** Acknowledge a bad_signature alarm: it leaves the console's banner (audited). */
export function AcknowledgeAlarmButton({ commandId }: { commandId: string }) {
  const t = useTranslations("staffDevice.update");
  const { busy, message, run } = useStaffAction();
  return (
    <div className="flex flex-wrap items-center gap-2">
      <Button
        variant="secondary"
        size="sm"
        disabled={busy}
        onClick={() =>
          run(() =>
            api(`/api/v1/staff/firmware/alarms/${commandId}/acknowledge`, { method: "POST" }).then(() =>
              t("acknowledged"),
            ),
          )
        }
      >
        {t("acknowledge")}
      </Button>
      <StatusMessage message={message} />
    </div>
  );
}
