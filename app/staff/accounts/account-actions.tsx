"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { InviteLink } from "./invite-link";
import { useStaffAction } from "./use-action";

export function AccountActions({
  id,
  email,
  disabled,
  role,
}: {
  id: string;
  email: string;
  disabled: boolean;
  role: string;
}) {
  const { busy, message, run } = useStaffAction();
  const [resetLink, setResetLink] = useState<string | null>(null);
  const otherRole = role === "staff" ? "participant" : "staff";
  return (
    <div>
      <div className="actions" style={{ marginTop: 0 }}>
        <button
          className={disabled ? "secondary" : "danger"}
          disabled={busy !== null}
          onClick={() =>
            run("disable", () =>
              api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { disabled: !disabled } }).then(() => {}),
            )
          }
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
              const r = await api<{ sessionsEnded: number }>(`/api/v1/staff/accounts/${id}/sessions`, {
                method: "DELETE",
              });
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
          onClick={() =>
            run("role", () =>
              api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { role: otherRole } }).then(() => {}),
            )
          }
        >
          Make {otherRole}
        </button>
        {role !== "support" && (
          <button
            className="secondary"
            disabled={busy !== null}
            aria-label={`Make ${email} support`}
            title="Support accounts see everything staff see and change nothing"
            onClick={() =>
              run("role", () =>
                api(`/api/v1/staff/accounts/${id}`, { method: "PATCH", body: { role: "support" } }).then(() => {}),
              )
            }
          >
            Make support
          </button>
        )}
        <button
          className="secondary"
          disabled={busy !== null}
          aria-label={`Reset two-factor sign-in of ${email}`}
          onClick={() =>
            run("2fa", async () => {
              const r = await api<{ sessionsEnded: number }>(`/api/v1/staff/accounts/${id}/two-factor`, {
                method: "DELETE",
              });
              return `Two-factor sign-in reset; ended ${r.sessionsEnded} session${r.sessionsEnded === 1 ? "" : "s"}.`;
            })
          }
        >
          Reset two-factor
        </button>
        <button
          className="secondary"
          disabled={busy !== null}
          aria-label={`Password reset link for ${email}`}
          onClick={() =>
            run("reset", async () => {
              setResetLink(null);
              const r = await api<{ link?: string; mailed: boolean; mailError?: string }>(
                `/api/v1/staff/accounts/${id}/password-reset`,
                { method: "POST" },
              );
              if (r.link) setResetLink(r.link);
              return r.mailed ? `A password-reset link was mailed to ${email}.` : r.mailError;
            })
          }
        >
          Password reset link
        </button>
      </div>
      {resetLink && <InviteLink email={email} link={resetLink} kind="reset" />}
      {message && <p className={`notice ${message.kind} small`}>{message.text}</p>}
    </div>
  );
}
