"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { Panel } from "../../_components/ui/card";
import { Field, Input, Select } from "../../_components/ui/field";

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
  const { busy, message, run } = useAction();
  const [kind, setKind] = useState<Kind>("identify");
  const [interval, setInterval] = useState("60");
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
    <Panel
      id="bulk"
      title="Act on this selection"
      description="One action for every device the filters above select (released ones excluded); you confirm the count first."
      data-testid="bulk-actions"
    >
      <div className="flex flex-wrap items-end gap-3">
        <Field id="bulk-kind" label="Action" className="min-w-[min(100%,14rem)]">
          <Select
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
          </Select>
        </Field>
        {kind === "set_config" && (
          <Field id="bulk-interval" label="Interval in seconds (10 to 86400)" className="min-w-[min(100%,14rem)]">
            <Input
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
          </Field>
        )}
        {count === null && (
          <Button
            variant="secondary"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const r = await api<{ count: number }>(`/api/v1/staff/devices/bulk${qs ? `?${qs}` : ""}`);
                setCount(r.count);
              })
            }
          >
            Review
          </Button>
        )}
      </div>
      {count === 0 && <p className="mt-3 text-sm text-muted">No device in this selection can take an action.</p>}
      {count !== null && count > 0 && (
        <div
          className="mt-3 flex flex-wrap items-center gap-2 rounded-md bg-sunken p-3"
          role="group"
          aria-label="Confirm the bulk action"
        >
          <p data-testid="bulk-confirmation" className="basis-full text-sm">
            {LABELS[kind]}
            {kind === "set_config" ? ` to ${interval} s` : ""} on <strong>{count}</strong> device
            {count === 1 ? "" : "s"}?
          </p>
          <Button
            variant={kind === "revoke" ? "danger" : "primary"}
            disabled={busy}
            onClick={() =>
              run(async () => {
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
          </Button>
          <Button variant="secondary" onClick={() => setCount(null)}>
            Cancel
          </Button>
        </div>
      )}
      <div role="status" className="mt-3">
        {message && (
          <p className={message.kind === "error" ? "text-sm text-danger-text" : "text-sm text-ok-text"}>
            {message.text}
          </p>
        )}
      </div>
    </Panel>
  );
}
