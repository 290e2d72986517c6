"use client";

import { useState } from "react";
import { api } from "../_components/api";

export function ForgotPasswordForm() {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  return (
    <form
      action={async (form) => {
        setBusy(true);
        setNote(null);
        try {
          const r = await api<{ message: string }>("/api/v1/password-resets/request", {
            method: "POST",
            body: { email: String(form.get("email") ?? "") },
          });
          setNote({ kind: "ok", text: r.message });
        } catch (err) {
          setNote({ kind: "error", text: err instanceof Error ? err.message : "Something went wrong." });
        } finally {
          setBusy(false);
        }
      }}
    >
      <label htmlFor="email">Email</label>
      <input id="email" name="email" type="email" autoComplete="username" required maxLength={254} />
      {note && (
        <p className={`notice ${note.kind}`} data-testid="forgot-note">
          {note.text}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          Send me a link
        </button>
      </div>
    </form>
  );
}
