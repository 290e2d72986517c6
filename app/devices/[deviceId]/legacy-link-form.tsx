"use client";

import { useState } from "react";
import { api } from "../../_components/api";

type Node = { id: string; hardwareId: string; name: string };

/** Takes over a legacy node's history: after this, its hardware id's unsigned data is refused for good. */
export function LegacyLinkForm({ deviceId, nodes }: { deviceId: string; nodes: Node[] }) {
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "error"; text: string } | null>(null);
  async function submit(form: FormData) {
    const hardwareId = String(form.get("hardwareId") ?? "");
    if (!window.confirm(`Link ${hardwareId}? Its unsigned data will be refused from now on. This cannot be undone.`))
      return;
    setBusy(true);
    setMessage(null);
    try {
      const r = await api<{ movedReadings: number }>(`/api/v1/devices/${deviceId}/legacy-link`, {
        method: "POST",
        body: { hardwareId },
      });
      // A full load: this form disappears (nothing is left to link) and the chart must fetch the
      // history the device now holds; the page states the outcome from the count in the URL.
      window.location.assign(`/devices/${deviceId}?linked=${r.movedReadings}`);
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof Error ? err.message : "Something went wrong." });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form action={submit} className="row">
      <div>
        <label htmlFor="legacy-node">Legacy node this board used to be</label>
        <select id="legacy-node" name="hardwareId" required>
          {nodes.map((n) => (
            <option key={n.id} value={n.hardwareId}>
              {n.name} ({n.hardwareId})
            </option>
          ))}
        </select>
      </div>
      <button type="submit" disabled={busy}>
        {busy ? "Linking…" : "Link and take its history"}
      </button>
      {message && (
        <p className="notice error" role="alert" data-testid="legacy-link-error" style={{ flexBasis: "100%" }}>
          {message.text}
        </p>
      )}
    </form>
  );
}
