"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { InviteLink } from "./invite-link";
import { useStaffAction } from "./use-action";

export function InvitationActions({ id, email }: { id: string; email: string }) {
  const { busy, message, run } = useStaffAction();
  const [link, setLink] = useState<string | null>(null);
  return (
    <div>
      <div className="actions" style={{ marginTop: 0 }}>
        <button
          className="secondary"
          disabled={busy !== null}
          onClick={() =>
            run("renew", async () => {
              const r = await api<{ link?: string; mailed: boolean; mailError?: string }>(
                `/api/v1/staff/invitations/${id}/renew`,
                { method: "POST" },
              );
              setLink(r.link ?? null);
              return r.mailed ? `A new link was mailed to ${email}.` : r.mailError;
            })
          }
        >
          New link
        </button>
        <button
          className="danger"
          disabled={busy !== null}
          onClick={() =>
            run("cancel", () =>
              api(`/api/v1/staff/invitations/${id}`, { method: "DELETE" }).then(() => "Invitation cancelled."),
            )
          }
        >
          Cancel
        </button>
      </div>
      {link && <InviteLink email={email} link={link} />}
      {message && <p className={`notice ${message.kind} small`}>{message.text}</p>}
    </div>
  );
}
