"use client";

import { api } from "../../_components/api";
import { useStaffAction } from "./use-action";

export function AccountActions({ id, email, disabled, role }: { id: string; email: string; disabled: boolean; role: string }) {
  const { busy, message, run } = useStaffAction();
  const otherRole = role === "staff" ? "participant" : "staff";
  return (
    <div>
      <div className="actions" style={{ marginTop: 0 }}>
        <button
          className={disabled ? "secondary" : "danger"}
          disabled={busy !== null}
          onClick={() => run("disable", () => api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { disabled: !disabled } }).then(() => {}))}
          aria-label={`${disabled ? "Enable" : "Disable"} ${email}`}
        >
          {disabled ? "Enable" : "Disable"}
        </button>
        <button
          className="secondary"
          disabled={busy !== null}
          aria-label={`Sign ${email} out everywhere`}
          onClick={() =>
            run("signout", async () => {
              const r = await api<{ sessionsEnded: number }>(`/api/v1/staff/accounts/${id}/sessions`, { method: "DELETE" });
              return `Ended ${r.sessionsEnded} session${r.sessionsEnded === 1 ? "" : "s"}.`;
            })
          }
        >
          Sign out everywhere
        </button>
        <button
          className="secondary"
          disabled={busy !== null}
          aria-label={`Make ${email} ${otherRole}`}
          onClick={() => run("role", () => api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { role: otherRole } }).then(() => {}))}
        >
          Make {otherRole}
        </button>
      </div>
      {message && <p className={`notice ${message.kind} small`}>{message.text}</p>}
    </div>
  );
}
