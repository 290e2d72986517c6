"use client";

import { Download } from "lucide-react";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { ButtonAnchor } from "../../_components/ui/button";
import { Field, FieldRow, Input } from "../../_components/ui/field";

/** A download link for the device's readings as CSV, over an optional date range (UTC days). */
export function ExportForm({ deviceId }: { deviceId: string }) {
  const t = useTranslations("device.export");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const query = new URLSearchParams();
  if (from) query.set("from", from);
  if (to) query.set("to", to);
  const href = `/api/v1/devices/${deviceId}/export${query.size ? `?${query}` : ""}`;
  const invalid = !!from && !!to && from >= to;
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">{t("text")}</p>
      <FieldRow>
        <Field id="export-from" label={t("from")}>
          <Input id="export-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field id="export-to" label={t("until")}>
          <Input id="export-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
        {!invalid && (
          <ButtonAnchor variant="secondary" href={href} download data-testid="export-link">
            <Download aria-hidden="true" className="size-4" />
            {t("download")}
          </ButtonAnchor>
        )}
      </FieldRow>
      {invalid && (
        <p role="alert" className="text-sm text-danger-text">
          {t("order")}
        </p>
      )}
    </div>
  );
}
