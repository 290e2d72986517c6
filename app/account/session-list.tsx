"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../_components/api";
import { Time } from "../_components/time";
import { Badge } from "../_components/ui/badge";
import { Button } from "../_components/ui/button";
import { ConfirmDialog } from "../_components/ui/confirm-dialog";

type Row = { id: string; browser: string; ip: string | null; lastSeenAt: string; createdAt: string; current: boolean };

export function SessionList({ sessions }: { sessions: Row[] }) {
  const router = useRouter();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function end(s: Row) {
    setBusy(s.id);
    setError(null);
    try {
      await api(`/api/v1/me/sessions/${s.id}`, { method: "DELETE" });
      if (s.current) window.location.assign("/sign-in");
      else router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Something went wrong.");
    } finally {
      setBusy(null);
    }
  }

  return (
    <div className="space-y-4">
      <ul className="divide-y divide-line rounded-lg border border-line" data-testid="session-list">
        {sessions.map((s) => (
          <li key={s.id} className="flex flex-wrap items-center justify-between gap-3 px-3 py-3">
            <div className="min-w-0">
              <p className="text-sm font-medium">
                {s.browser}{" "}
                {s.current && (
                  <Badge tone="ok" className="ms-1">
                    this browser
                  </Badge>
                )}
              </p>
              <p className="text-xs text-muted">
                {s.ip ?? "unknown address"} · last active <Time value={s.lastSeenAt} /> · signed in{" "}
                <Time value={s.createdAt} />
              </p>
            </div>
            <Button variant="secondary" size="sm" disabled={busy !== null} onClick={() => void end(s)}>
              {busy === s.id ? "Ending…" : s.current ? "Sign out here" : "End session"}
            </Button>
          </li>
        ))}
      </ul>
      {error && (
        <p role="alert" className="text-sm text-danger-text">
          {error}
        </p>
      )}
      <ConfirmDialog
        trigger={<Button variant="danger-outline">Sign out everywhere</Button>}
        title="Sign out everywhere?"
        description="Every browser and device signed in to this account is signed out, this one too."
        confirmLabel="Sign out everywhere"
        busyLabel="Signing out…"
        cancelLabel="Cancel"
        onConfirm={async () => {
          await api("/api/v1/me/sessions", { method: "DELETE" });
          window.location.assign("/sign-in");
        }}
      />
    </div>
  );
}
