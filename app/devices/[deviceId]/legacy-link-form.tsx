"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { ConfirmDialog } from "../../_components/ui/confirm-dialog";
import { Field, Select } from "../../_components/ui/field";

type Node = { id: string; hardwareId: string; name: string };

/** Takes over a legacy node's history: after this, its hardware id's unsigned data is refused for good. */
export function LegacyLinkForm({ deviceId, nodes }: { deviceId: string; nodes: Node[] }) {
  const [hardwareId, setHardwareId] = useState(nodes[0]?.hardwareId ?? "");
  return (
    <div className="flex flex-wrap items-end gap-3">
      <Field id="legacy-node" label="Legacy node this board used to be" className="min-w-[min(100%,16rem)] flex-1">
        <Select id="legacy-node" value={hardwareId} onChange={(e) => setHardwareId(e.target.value)}>
          {nodes.map((n) => (
            <option key={n.id} value={n.hardwareId}>
              {n.name} ({n.hardwareId})
            </option>
          ))}
        </Select>
      </Field>
      <ConfirmDialog
        trigger={<Button>Link and take its history</Button>}
        title={`Link ${hardwareId}?`}
        description="Its readings become part of this device, each marked as it was sent (unverified or node secret), and the node's own data is refused from now on. This cannot be undone."
        confirmLabel="Link"
        busyLabel="Linking…"
        cancelLabel="Cancel"
        tone="primary"
        onConfirm={async () => {
          const r = await api<{ movedReadings: number }>(`/api/v1/devices/${deviceId}/legacy-link`, {
            method: "POST",
            body: { hardwareId },
          });
          // A full load: this form disappears (nothing is left to link) and the chart must fetch
          // the history the device now holds; the page states the outcome from the count in the URL.
          window.location.assign(`/devices/${deviceId}?linked=${r.movedReadings}`);
        }}
      />
    </div>
  );
}
