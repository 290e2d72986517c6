"use client";

import { useState } from "react";
import { api } from "../_components/api";

type Kind = { kind: string; label: string; on: boolean };

/** Which device notices this account gets by mail; each kind can be switched off. */
export function NoticeSettings({ kinds, mailEnabled }: { kinds: Kind[]; mailEnabled: boolean }) {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  return (
    <form
      className="card"
      onSubmit={async (e) => {
        e.preventDefault();
        const form = new FormData(e.currentTarget);
        const off = kinds.filter((k) => form.get(k.kind) !== "on").map((k) => k.kind);
        setBusy(true);
        setNote(null);
        try {
          await api("/api/v1/me/notices", { method: "PUT", body: { off } });
          setNote({ kind: "ok", text: "Notice settings saved." });
        } catch (err) {
          setNote({ kind: "error", text: err instanceof Error ? err.message : "Something went wrong." });
        } finally {
          setBusy(false);
        }
      }}
    >
      {!mailEnabled && (
        <p className="small muted">This server sends no mail at the moment; your choices apply once it does.</p>
      )}
      <fieldset style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="small">Mail me when…</legend>
        {kinds.map((k) => (
          <label key={k.kind} className="check">
            <input type="checkbox" name={k.kind} defaultChecked={k.on} /> {k.label}
          </label>
        ))}
      </fieldset>
      <div className="actions">
        <button type="submit" disabled={busy}>
          {busy ? "Saving…" : "Save notice settings"}
        </button>
      </div>
      <div role="status" aria-live="polite">
        {note && (
          <p className={`notice ${note.kind}`} data-testid="notice-settings-message">
            {note.text}
          </p>
        )}
      </div>
    </form>
  );
}
