"use client";

import { useState } from "react";
import { api } from "../../../_components/api";
import { useStaffAction } from "../../accounts/use-action";

/** Staff actions on one device: commands, configuration, revoke and transfer to another account. */
export function StaffDeviceActions({ id, name, revoked }: { id: string; name: string; revoked: boolean }) {
  const { busy, message, run } = useStaffAction();
  const [confirmRevoke, setConfirmRevoke] = useState(false);
  const [interval, setInterval] = useState("300");
  const [email, setEmail] = useState("");
  const [reason, setReason] = useState("");
  const command = (type: string, done: string, params?: Record<string, unknown>) =>
    run(type, () =>
      api(`/api/v1/staff/devices/${id}/commands`, { method: "POST", body: params ? { type, params } : { type } }).then(
        () => done,
      ),
    );
  return (
    <div className="card" data-testid="staff-device-actions">
      <h2 style={{ marginTop: 0 }}>Actions</h2>
      {!revoked && (
        <div className="actions" style={{ marginTop: 0 }}>
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
            onClick={() => command("reboot", "Reboot sent: the device restarts on its next check-in.")}
          >
            Reboot
          </button>
          <button
            className="secondary"
            disabled={busy !== null}
            onClick={() => command("reprovision", "Re-provisioning requested: the device will show a new code.")}
          >
            Re-provision
          </button>
          {!confirmRevoke ? (
            <button className="danger" disabled={busy !== null} onClick={() => setConfirmRevoke(true)}>
              Revoke
            </button>
          ) : (
            <>
              <button
                className="danger"
                disabled={busy !== null}
                onClick={() =>
                  run("revoke", () =>
                    api(`/api/v1/staff/devices/${id}/revoke`, { method: "POST" }).then(
                      () => (setConfirmRevoke(false), `${name} is revoked: its next request is refused.`),
                    ),
                  )
                }
              >
                Yes, revoke {name}
              </button>
              <button className="secondary" onClick={() => setConfirmRevoke(false)}>
                Cancel
              </button>
            </>
          )}
        </div>
      )}
      {!revoked && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            command(
              "set_config",
              `Measurement interval set to ${interval} s; the device reads it on its next check-in.`,
              {
                measurementIntervalSeconds: Number(interval),
              },
            );
          }}
        >
          <div>
            <label htmlFor="config-interval">Measurement interval (seconds, 10 to 86400)</label>
            <input
              id="config-interval"
              type="number"
              required
              min={10}
              max={86400}
              step={1}
              value={interval}
              onChange={(e) => setInterval(e.target.value)}
            />
          </div>
          <button type="submit" className="secondary" disabled={busy !== null}>
            Set configuration
          </button>
        </form>
      )}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          run("transfer", async () => {
            const r = await api<{ ownerEmail: string; name: string }>(`/api/v1/staff/devices/${id}/transfer`, {
              method: "POST",
              body: { email, reason },
            });
            setEmail("");
            setReason("");
            return `${r.name} now belongs to ${r.ownerEmail}.`;
          });
        }}
      >
        <h3>Transfer to another account</h3>
        <div className="row">
          <div>
            <label htmlFor="transfer-email">New owner&apos;s email</label>
            <input
              id="transfer-email"
              type="email"
              required
              maxLength={254}
              value={email}
              onChange={(e) => setEmail(e.target.value)}
            />
          </div>
          <div>
            <label htmlFor="transfer-reason">Reason (kept in the audit log)</label>
            <input
              id="transfer-reason"
              required
              minLength={3}
              maxLength={500}
              value={reason}
              onChange={(e) => setReason(e.target.value)}
            />
          </div>
          <button type="submit" disabled={busy !== null}>
            Transfer
          </button>
        </div>
      </form>
      {message && (
        <p className={`notice ${message.kind}`} role="status" data-testid="action-message">
          {message.text}
        </p>
      )}
    </div>
  );
}
