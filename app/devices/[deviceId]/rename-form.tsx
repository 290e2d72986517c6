"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";

export function RenameForm({ deviceId, name }: { deviceId: string; name: string }) {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  async function submit(form: FormData) {
    setBusy(true);
    setMessage(null);
    try {
      const r = await api<{ name: string }>(`/api/v1/devices/${deviceId}`, {
        method: "PATCH",
        body: { name: String(form.get("name") ?? "") },
      });
      setMessage({ kind: "ok", text: `Renamed to “${r.name}”.` });
      router.refresh();
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof Error ? err.message : "Something went wrong." });
    } finally {
      setBusy(false);
    }
  }
  return (
    <form action={submit} className="row">
      <div>
        <label htmlFor="device-name">Device name</label>
        <input id="device-name" name="name" defaultValue={name} required maxLength={60} />
      </div>
      <button type="submit" disabled={busy}>
        {busy ? "Saving…" : "Rename"}
      </button>
      {message && (
        <p className={`notice ${message.kind}`} data-testid="rename-message" style={{ flexBasis: "100%" }}>
          {message.text}
        </p>
      )}
    </form>
  );
}
