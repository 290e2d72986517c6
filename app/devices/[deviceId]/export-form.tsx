"use client";

import { Download } from "lucide-react";
import { useState } from "react";
import { ButtonAnchor } from "../../_components/ui/button";
import { Field, FieldRow, Input } from "../../_components/ui/field";

/** A download link for the device's readings as CSV, over an optional date range (UTC days). */
export function ExportForm({ deviceId }: { deviceId: string }) {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const query = new URLSearchParams();
  if (from) query.set("from", from);
  if (to) query.set("to", to);
  const href = `/api/v1/devices/${deviceId}/export${query.size ? `?${query}` : ""}`;
  const invalid = !!from && !!to && from >= to;
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">
        One row per reading: time (UTC), property, value, unit, and whether the device signed it (verified). Leave the
        dates empty for everything.
      </p>
      <FieldRow>
        <Field id="export-from" label="From (UTC, inclusive)">
          <Input id="export-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field id="export-to" label="Until (UTC, exclusive)">
          <Input id="export-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
        {!invalid && (
          <ButtonAnchor variant="secondary" href={href} download data-testid="export-link">
            <Download aria-hidden="true" className="size-4" />
            Download CSV
          </ButtonAnchor>
        )}
      </FieldRow>
      {invalid && (
        <p role="alert" className="text-sm text-danger-text">
          The start must be before the end.
        </p>
      )}
    </div>
  );
}
