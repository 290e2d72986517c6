"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../_components/api";
import { Time } from "../_components/time";

type Row = { id: string; browser: string; ip: string | null; lastSeenAt: string; createdAt: string; current: boolean };

export function SessionList({ sessions }: { sessions: Row[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function run(key: string, action: () => Promise<unknown>, after: () => void) {
    setBusy(key);
    setError(null);
    try {
      await action();
      after();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Something went wrong.");
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="card">
      <ul className="list" data-testid="session-list">
        {sessions.map((s) => (
          <li key={s.id}>
            <div>
              <strong>{s.browser}</strong> {s.current && <span className="badge current">this browser</span>}
              <div className="muted small">
                {s.ip ?? "unknown address"} · last active <Time value={s.lastSeenAt} /> · signed in{" "}
                <Time value={s.createdAt} />
              </div>
            </div>
            <button
              className="secondary"
              disabled={busy !== null}
              onClick={() =>
                run(
                  s.id,
                  () => api(`/api/v1/me/sessions/${s.id}`, { method: "DELETE" }),
                  () => (s.current ? (window.location.href = "/sign-in") : router.refresh()),
                )
              }
            >
              {busy === s.id ? "Ending…" : s.current ? "Sign out here" : "End session"}
            </button>
          </li>
        ))}
      </ul>
      {error && <p className="notice error">{error}</p>}
      <div className="actions">
        <button
          className="danger"
          disabled={busy !== null}
          onClick={() =>
            run(
              "all",
              () => api("/api/v1/me/sessions", { method: "DELETE" }),
              () => (window.location.href = "/sign-in"),
            )
          }
        >
          {busy === "all" ? "Signing out…" : "Sign out everywhere"}
        </button>
      </div>
    </div>
  );
}
