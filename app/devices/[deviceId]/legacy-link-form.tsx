"use client";

import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { Field, Select } from "../../_components/ui/field";
import { useRefusals } from "./refusals";

type Node = { id: string; hardwareId: string; name: string };

/** Takes over a legacy node's history: after this, its hardware id's unsigned data is refused for good. */
export function LegacyLinkForm({ deviceId, nodes }: { deviceId: string; nodes: Node[] }) {
  const t = useTranslations("device.legacyLink");
  const guard = useRefusals();
  const [hardwareId, setHardwareId] = useState(nodes[0]?.hardwareId ?? "");
  return (
    <div className="flex flex-wrap items-end gap-3">
      <Field id="legacy-node" label={t("node")} className="min-w-[min(100%,16rem)] flex-1">
        <Select id="legacy-node" value={hardwareId} onChange={(e) => setHardwareId(e.target.value)}>
          {nodes.map((n) => (
            <option key={n.id} value={n.hardwareId}>
              {n.name} ({n.hardwareId})
            </option>
          ))}
        </Select>
      </Field>
      <ConfirmDialog
        trigger={<Button>{t("button")}</Button>}
        title={t("confirmTitle", { id: hardwareId })}
        description={t("confirmText")}
        confirmLabel={t("confirm")}
        busyLabel={t("busy")}
        cancelLabel={t("cancel")}
        tone="primary"
        onConfirm={guard("legacyLink", async () => {
          const r = await api<{ movedReadings: number }>(`/api/v1/devices/${deviceId}/legacy-link`, {
            method: "POST",
            body: { hardwareId },
          });
          // A full load: this form disappears (nothing is left to link) and the chart must fetch
          // the history the device now holds; the page states the outcome from the count in the URL.
          window.location.assign(`/devices/${deviceId}?linked=${r.movedReadings}`);
        })}
      />
    </div>
  );
}
