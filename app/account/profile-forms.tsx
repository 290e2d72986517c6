"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../_components/api";
import { chosenPassword, NewPasswordFields } from "../_components/new-password-fields";

function useForm() {
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  async function run(action: () => Promise<string>) {
    setBusy(true);
    setNote(null);
    try {
      setNote({ kind: "ok", text: await action() });
    } catch (err) {
      setNote({ kind: "error", text: err instanceof Error ? err.message : "Something went wrong." });
    } finally {
      setBusy(false);
    }
  }
  return { busy, note, run };
}

export function NameForm({ name }: { name: string }) {
  const router = useRouter();
  const { busy, note, run } = useForm();
  return (
    <form
      className="card"
      action={(form) =>
        run(async () => {
          await api("/api/v1/me", { method: "PATCH", body: { name: String(form.get("name") ?? "") } });
          router.refresh();
          return "Your name is changed.";
        })
      }
    >
      <label htmlFor="display-name">Display name</label>
      <input id="display-name" name="name" defaultValue={name} required maxLength={100} />
      {note && <p className={`notice ${note.kind}`}>{note.text}</p>}
      <div className="actions">
        <button type="submit" className="secondary" disabled={busy}>
          Save name
        </button>
      </div>
    </form>
  );
}

export function PasswordForm() {
  const router = useRouter();
  const { busy, note, run } = useForm();
  return (
    <form
      className="card"
      action={(form) =>
        run(async () => {
          const chosen = chosenPassword(form);
          if ("error" in chosen) throw new Error(chosen.error);
          const { password } = chosen;
          const r = await api<{ sessionsEnded: number }>("/api/v1/me/password", {
            method: "POST",
            body: { current: String(form.get("current") ?? ""), password },
          });
          router.refresh();
          return `Your password is changed. ${r.sessionsEnded} other session${r.sessionsEnded === 1 ? "" : "s"} ended.`;
        })
      }
    >
      <label htmlFor="current-password">Current password</label>
      <input id="current-password" name="current" type="password" autoComplete="current-password" required />
      <NewPasswordFields label="New password" repeatLabel="Repeat the new password" idPrefix="new-" />
      {note && (
        <p className={`notice ${note.kind}`} data-testid="password-note">
          {note.text}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="secondary" disabled={busy}>
          Change password
        </button>
      </div>
    </form>
  );
}
