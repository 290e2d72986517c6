"use client";

import { useState } from "react";
import { api } from "../../_components/api";
import { useStaffAction } from "../accounts/use-action";

/** Staff actions on one device: revoke at once (lost or stolen), or send it a command. */
export function FleetActions({ id, name, revoked }: { id: string; name: string; revoked: boolean }) {
  const { busy, message, run } = useStaffAction();
  const [confirming, setConfirming] = useState(false);
  const command = (type: string, done: string) =>
    run(type, () => api(`/api/v1/staff/devices/${id}/commands`, { method: "POST", body: { type } }).then(() => done));
  return (
    <div>
      <div className="actions" style={{ marginTop: 0 }}>
        {!revoked && !confirming && (
          <button
            className="danger"
            disabled={busy !== null}
            onClick={() => setConfirming(true)}
            aria-label={`Revoke ${name}`}
          >
            Revoke
          </button>
        )}
        {confirming && (
          <>
            <button
              className="danger"
              disabled={busy !== null}
              onClick={() =>
                run("revoke", () =>
                  api(`/api/v1/staff/devices/${id}/revoke`, { method: "POST" }).then(
                    () => (setConfirming(false), `${name} is revoked: its next request is refused.`),
                  ),
                )
              }
            >
              Yes, revoke {name}
            </button>
            <button className="secondary" onClick={() => setConfirming(false)}>
              Cancel
            </button>
          </>
        )}
        {!revoked && (
          <>
            <button
              className="secondary"
              disabled={busy !== null}
              onClick={() => command("identify", "Identify sent: the device shows itself on its next check-in.")}
            >
              Identify
            </button>
            <button
              className="secondary"
              disabled={busy !== null}
              onClick={() => command("reprovision", "Re-provisioning requested: the device will show a new code.")}
            >
              Re-provision
            </button>
          </>
        )}
      </div>
      {message && <p className={`notice ${message.kind} small`}>{message.text}</p>}
    </div>
  );
}
