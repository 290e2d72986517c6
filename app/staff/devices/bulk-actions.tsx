"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { api } from "../../_components/api";
import { useStaffAction } from "../../_components/staff-refusal";
import { Button } from "../../_components/ui/button";
import { Panel } from "../../_components/ui/card";
import { Field, Input, Select } from "../../_components/ui/field";

const KINDS = ["identify", "reboot", "reprovision", "set_config", "revoke"] as const;
type Kind = (typeof KINDS)[number];

/**
 * A bulk action on every device the current filters select (released ones excluded). Review
 * asks the server how many devices that is; the confirmation states the count, and the server
 * refuses if the selection changed in between.
 */
export function BulkActions({ filter }: { filter: Record<string, string> }) {
  const t = useTranslations("staffDevices.bulk");
  const { busy, message, run } = useStaffAction();
  const [kind, setKind] = useState<Kind>("identify");
  const [interval, setInterval] = useState("60");
  const [count, setCount] = useState<number | null>(null);
  const qs = new URLSearchParams(filter).toString();
  const label = t(`kinds.${kind}`);

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
    <Panel id="bulk" title={t("title")} description={t("description")} data-testid="bulk-actions">
      <div className="flex flex-wrap items-end gap-3">
        <Field id="bulk-kind" label={t("action")} className="min-w-[min(100%,14rem)]">
          <Select
            id="bulk-kind"
            value={kind}
            onChange={(e) => {
              setKind(e.target.value as Kind);
              setCount(null);
            }}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`kinds.${k}`)}
              </option>
            ))}
          </Select>
        </Field>
        {kind === "set_config" && (
          <Field id="bulk-interval" label={t("interval")} className="min-w-[min(100%,14rem)]">
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
            {t("review")}
          </Button>
        )}
      </div>
      {count === 0 && <p className="mt-3 text-sm text-muted">{t("none")}</p>}
      {count !== null && count > 0 && (
        <div
          className="mt-3 flex flex-wrap items-center gap-2 rounded-md bg-sunken p-3"
          role="group"
          aria-label={t("confirmLabel")}
        >
          <p data-testid="bulk-confirmation" className="basis-full text-sm">
            {t.rich("confirm", {
              action: label,
              interval: kind === "set_config" ? interval : "none",
              count,
              strong: (c) => <strong>{c}</strong>,
            })}
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
                  return t("done", { action: label.toLowerCase(), count: r.count });
                } finally {
                  setCount(null);
                }
              })
            }
          >
            {t("yes", { action: label.toLowerCase(), count })}
          </Button>
          <Button variant="secondary" onClick={() => setCount(null)}>
            {t("cancel")}
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
