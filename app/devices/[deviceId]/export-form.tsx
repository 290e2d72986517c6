"use client";

import { useState } from "react";

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
    <div className="row">
      <div>
        <label htmlFor="export-from">From (UTC, inclusive)</label>
        <input id="export-from" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
      </div>
      <div>
        <label htmlFor="export-to">Until (UTC, exclusive)</label>
        <input id="export-to" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
      </div>
      {invalid ? (
        <p className="notice error" role="alert" style={{ flexBasis: "100%" }}>
          The start must be before the end.
        </p>
      ) : (
        <a className="button secondary" href={href} download data-testid="export-link">
          Download CSV
        </a>
      )}
      <p className="small muted" style={{ flexBasis: "100%" }}>
        One row per reading: time (UTC), property, value, unit, and whether it was signed by the device (verified).
        Leave the dates empty for everything.
      </p>
    </div>
  );
}
