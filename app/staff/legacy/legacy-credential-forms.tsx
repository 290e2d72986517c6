"use client";

import { useState } from "react";
import { useTranslations } from "next-intl";
import { api } from "../../_components/api";
import { NodeCredentialDialog, type ShownCredential } from "../../_components/node-credential";
import { CopyButton } from "../../_components/ui/copy-button";
import { useStaffAction } from "../../_components/staff-refusal";
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
  const t = useTranslations("staffLegacy.node");
  const { busy, message, run } = useStaffAction();
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
          aria-label={t(credential === "active" ? "newPasswordFor" : "issuePasswordFor", { id: hardwareId })}
          onClick={() => {
            if (credential === "active" && !window.confirm(t("replaceConfirm", { id: hardwareId }))) return;
            void run(async () => {
              setShown(await api<ShownCredential>(path, { method: "POST" }));
            });
          }}
        >
          {credential === "active" ? t("newPassword") : t("issuePassword")}
        </Button>
        {credential === "active" && (
          <Button
            variant="secondary"
            size="sm"
            disabled={busy}
            aria-label={t("withdrawFor", { id: hardwareId })}
            onClick={() => {
              if (!window.confirm(t("withdrawConfirm", { id: hardwareId }))) return;
              void run(async () => {
                await api(path, { method: "DELETE" });
                setShown(null);
                return t("withdrawn");
              });
            }}
          >
            {t("withdraw")}
          </Button>
        )}
      </div>
      <NodeCredentialDialog credential={shown} onClose={() => setShown(null)} />
      <Button
        variant="secondary"
        size="sm"
        disabled={busy}
        aria-label={t(disabled ? "acceptFrom" : "refuseFrom", { id: hardwareId })}
        onClick={() =>
          run(async () => {
            await api(`/api/v1/staff/legacy/nodes/${id}`, { method: "PATCH", body: { disabled: !disabled } });
          })
        }
      >
        {disabled ? t("accept") : t("refuse")}
      </Button>
      <form
        className="flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!window.confirm(t("upgradeConfirm", { id: hardwareId, device: deviceId }))) return;
          void run(async () => {
            const r = await api<{ movedReadings: number }>(`/api/v1/staff/legacy/nodes/${id}/upgrade`, {
              method: "POST",
              body: { deviceId: deviceId.trim() },
            });
            return t("upgraded", { count: r.movedReadings });
          });
        }}
      >
        <Field id={`upgrade-${id}`} label={t("deviceId")} className="w-44">
          <Input
            id={`upgrade-${id}`}
            value={deviceId}
            onChange={(e) => setDeviceId(e.target.value)}
            placeholder={t("devicePlaceholder")}
            required
            maxLength={20}
            className="font-mono"
          />
        </Field>
        <Button type="submit" variant="secondary" size="sm" disabled={busy} className="mb-1">
          {t("upgrade")}
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
  const t = useTranslations("staffLegacy.bulkForm");
  const { busy, message, run } = useStaffAction();
  const [ids, setIds] = useState("");
  const [csv, setCsv] = useState<string | null>(null);
  function submit() {
    const hardwareIds = ids
      .split(/[\s,;]+/)
      .map((s) => s.trim().toLowerCase())
      .filter(Boolean);
    if (!window.confirm(t("confirm", { count: hardwareIds.length }))) return;
    void run(async () => {
      const r = await api<{ count: number; csv: string }>("/api/v1/staff/legacy/credentials", {
        method: "POST",
        body: { hardwareIds },
      });
      setCsv(r.csv);
      setIds("");
      return t("issued", { count: r.count });
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
      <p className="text-sm text-muted">{t("help")}</p>
      <Field id="legacy-bulk-ids" label={t("ids")}>
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
          {busy ? t("issuing") : t("issue")}
        </Button>
        <Button
          variant="secondary"
          disabled={withoutCredential.length === 0}
          onClick={() => setIds(withoutCredential.join("\n"))}
        >
          {t("fill", { count: withoutCredential.length })}
        </Button>
        <Message message={message} />
      </div>
      {csv && (
        <div className="space-y-2" data-testid="bulk-credentials">
          <Textarea
            aria-label={t("csvLabel")}
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
              {t("download")}
            </a>
            <CopyButton value={csv} label={t("copy")} copiedLabel={t("copied")} />
          </div>
        </div>
      )}
    </form>
  );
}
