"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { useStaffAction } from "../accounts/use-action";

type Kind = "identify" | "reboot" | "reprovision" | "set_config" | "revoke";
const LABELS: Record<Kind, string> = {
  identify: "Send identify",
  reboot: "Send reboot",
  reprovision: "Send re-provision",
  set_config: "Set the measurement interval",
  revoke: "Revoke",
};

/**
 * A bulk action on every device the current filters select (released ones excluded). Review
 * asks the server how many devices that is; the confirmation states the count, and the server
 * refuses if the selection changed in between.
 */
export function BulkActions({ filter }: { filter: Record<string, string> }) {
  const { busy, message, run } = useStaffAction();
  const [kind, setKind] = useState<Kind>("identify");
  const [interval, setInterval] = useState("300");
  const [count, setCount] = useState<number | null>(null);
  const qs = new URLSearchParams(filter).toString();

  const action = () => {
    if (kind === "revoke") return { kind: "revoke" as const };
    if (kind === "set_config")
      return {
        kind: "command" as const,
        command: { type: "set_config", params: { measurementIntervalSeconds: Number(interval) } },
      };
    return { kind: "command" as const, command: { type: kind } };
  };

  return (
    <section aria-labelledby="bulk-title" className="card" data-testid="bulk-actions">
      <h2 id="bulk-title">Act on this selection</h2>
      <div className="row">
        <div>
          <label htmlFor="bulk-kind">Action</label>
          <select
            id="bulk-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              setCount(null);
            }}
          >
            {(Object.keys(LABELS) as Kind[]).map((k) => (
              <option key={k} value={k}>
                {LABELS[k]}
              </option>
            ))}
          </select>
        </div>
        {kind === "set_config" && (
          <div>
            <label htmlFor="bulk-interval">Interval in seconds (10 to 86400)</label>
            <input
              id="bulk-interval"
              type="number"
              min={10}
              max={86400}
              value={interval}
              onChange={(e) => {
                setInterval(e.target.value);
                setCount(null);
              }}
            />
          </div>
        )}
        {count === null && (
          <button
            className="secondary"
            disabled={busy !== null}
            onClick={() =>
              run("review", async () => {
                const r = await api<{ count: number }>(`/api/v1/staff/devices/bulk${qs ? `?${qs}` : ""}`);
                setCount(r.count);
              })
            }
          >
            Review
          </button>
        )}
      </div>
      {count === 0 && <p className="notice info">No device in this selection can take an action.</p>}
      {count !== null && count > 0 && (
        <div className="actions" role="group" aria-label="Confirm the bulk action">
          <p data-testid="bulk-confirmation">
            {LABELS[kind]}
            {kind === "set_config" ? ` to ${interval} s` : ""} on <strong>{count}</strong> device
            {count === 1 ? "" : "s"}?
          </p>
          <button
            className={kind === "revoke" ? "danger" : undefined}
            disabled={busy !== null}
            onClick={() =>
              run("bulk", async () => {
                try {
                  const r = await api<{ count: number }>("/api/v1/staff/devices/bulk", {
                    method: "POST",
                    body: { filter, action: action(), expectedCount: count },
                  });
                  return `Done: ${LABELS[kind].toLowerCase()} reached ${r.count} device${r.count === 1 ? "" : "s"}.`;
                } finally {
                  setCount(null);
                }
              })
            }
          >
            Yes, {LABELS[kind].toLowerCase()} on {count} device{count === 1 ? "" : "s"}
          </button>
          <button className="secondary" onClick={() => setCount(null)}>
            Cancel
          </button>
        </div>
      )}
      {message && (
        <p className={`notice ${message.kind}`} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
