"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { NodeCredentialDialog, type ShownCredential } from "../../_components/node-credential";
import { CopyButton } from "../../_components/ui/copy-button";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { Field, Input, Textarea } from "../../_components/ui/field";
import { Message } from "./legacy-forms";

export function NodeActions({
  id,
  hardwareId,
  disabled,
  credential,
}: {
  id: string;
  hardwareId: string;
  disabled: boolean;
  credential: "none" | "active" | "revoked";
}) {
  const { busy, message, run } = useAction();
  const [deviceId, setDeviceId] = useState("");
  const [shown, setShown] = useState<ShownCredential | null>(null);
  const path = `/api/v1/staff/legacy/nodes/${id}/credential`;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          disabled={busy}
          aria-label={`${credential === "active" ? "New password" : "Issue password"} for ${hardwareId}`}
          onClick={() => {
            if (
              credential === "active" &&
              !window.confirm(`Replace ${hardwareId}'s password? The old one stops working at once.`)
            )
              return;
            void run(async () => {
              setShown(await api<ShownCredential>(path, { method: "POST" }));
            });
          }}
        >
          {credential === "active" ? "New password" : "Issue password"}
        </Button>
        {credential === "active" && (
          <Button
            variant="secondary"
            size="sm"
            disabled={busy}
            aria-label={`Withdraw password of ${hardwareId}`}
            onClick={() => {
              if (!window.confirm(`Withdraw ${hardwareId}'s password? Its data is refused until a new one is issued.`))
                return;
              void run(async () => {
                await api(path, { method: "DELETE" });
                setShown(null);
                return "Password withdrawn.";
              });
            }}
          >
            Withdraw password
          </Button>
        )}
      </div>
      <NodeCredentialDialog credential={shown} onClose={() => setShown(null)} />
      <Button
        variant="secondary"
        size="sm"
        disabled={busy}
        aria-label={`${disabled ? "Accept" : "Refuse"} data from ${hardwareId}`}
        onClick={() =>
          run(async () => {
            await api(`/api/v1/staff/legacy/nodes/${id}`, { method: "PATCH", body: { disabled: !disabled } });
          })
        }
      >
        {disabled ? "Accept data" : "Refuse data"}
      </Button>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!window.confirm(`Upgrade ${hardwareId} to ${deviceId}? Its unsigned data is refused from then on.`))
            return;
          void run(async () => {
            const r = await api<{ movedReadings: number }>(`/api/v1/staff/legacy/nodes/${id}/upgrade`, {
              method: "POST",
              body: { deviceId: deviceId.trim() },
            });
            return `Upgraded: ${r.movedReadings} readings moved.`;
          });
        }}
      >
        <Field id={`upgrade-${id}`} label="Claimed device id" className="w-44">
          <Input
            id={`upgrade-${id}`}
            value={deviceId}
            onChange={(e) => setDeviceId(e.target.value)}
            placeholder="dev_…"
            required
            maxLength={20}
            className="font-mono"
          />
        </Field>
        <Button type="submit" variant="secondary" size="sm" disabled={busy} className="mb-1">
          Upgrade
        </Button>
      </form>
      <Message message={message} />
    </div>
  );
}

/**
 * Staff issue passwords for many registered nodes at once (a fleet rollout): the CSV of users
 * and passwords is shown once, to download or copy and hand to the owners.
 */
export function BulkCredentialsForm({ withoutCredential }: { withoutCredential: string[] }) {
  const { busy, message, run } = useAction();
  const [ids, setIds] = useState("");
  const [csv, setCsv] = useState<string | null>(null);
  function submit() {
    const hardwareIds = ids
      .split(/[\s,;]+/)
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (
      !window.confirm(
        `Issue passwords for ${hardwareIds.length} node(s)? A node that already has one gets a new one, and its old one stops working at once.`,
      )
    )
      return;
    void run(async () => {
      const r = await api<{ count: number; csv: string }>("/api/v1/staff/legacy/credentials", {
        method: "POST",
        body: { hardwareIds },
      });
      setCsv(r.csv);
      setIds("");
      return `Issued ${r.count} password${r.count === 1 ? "" : "s"}. Download or copy them now: they are not shown again.`;
    });
  }
  return (
    <form
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <p className="text-sm text-muted">
        Hardware ids of registered nodes, one a line. All or nothing: one unknown id issues none.
      </p>
      <Field id="legacy-bulk-ids" label="Hardware ids">
        <Textarea
          id="legacy-bulk-ids"
          rows={4}
          value={ids}
          onChange={(e) => setIds(e.target.value)}
          maxLength={65536}
          className="font-mono"
        />
      </Field>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy || ids.trim() === ""}>
          {busy ? "Issuing…" : "Issue passwords"}
        </Button>
        <Button
          variant="secondary"
          disabled={withoutCredential.length === 0}
          onClick={() => setIds(withoutCredential.join("\n"))}
        >
          Fill in the {withoutCredential.length} without a password
        </Button>
        <Message message={message} />
      </div>
      {csv && (
        <div className="space-y-2" data-testid="bulk-credentials">
          <Textarea
            aria-label="Users and passwords (CSV)"
            readOnly
            rows={Math.min(12, csv.trim().split("\n").length + 2)}
            wrap="off"
            value={csv}
            className="font-mono text-xs"
            data-testid="bulk-credentials-csv"
          />
          <div className="flex flex-wrap gap-2">
            <a
              className="text-sm font-medium text-accent-text underline"
              href={`data:text/csv;charset=utf-8,${encodeURIComponent(csv)}`}
              download="node-passwords.csv"
            >
              Download CSV
            </a>
            <CopyButton value={csv} label="Copy CSV" copiedLabel="Copied" />
          </div>
        </div>
      )}
    </form>
  );
}
