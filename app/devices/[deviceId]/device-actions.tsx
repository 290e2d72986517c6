"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "../../_components/api";

type Confirm = "lost" | "release" | null;

/** Replacing the hardware, reporting it lost or stolen, and releasing it. */
export function DeviceActions({ deviceId, name, lost }: { deviceId: string; name: string; lost: boolean }) {
  const [confirming, setConfirming] = useState<Confirm>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function act(path: string, then: string) {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/devices/${deviceId}/${path}`, { method: "POST" });
      window.location.href = then;
    } catch (err) {
      setError(err instanceof Error ? err.message : "Something went wrong.");
      setBusy(false);
    }
  }
  return (
    <div className="card">
      <h2 style={{ marginTop: 0 }}>Replace, lost or stolen, release</h2>
      <p className="small">
        New hardware for this device (the old one broke, or was lost)? Claim the new one as a replacement: it keeps this
        name and history.
      </p>
      <Link className="button secondary" href={`/claim?replaces=${deviceId}`}>
        Claim a replacement
      </Link>
      {!lost && (
        <>
          <p className="small" style={{ marginTop: "1rem" }}>
            Lost or stolen? Stop it at once: the board can no longer send data or be used with your account. You keep
            its name and history, and can claim a replacement.
          </p>
          {confirming === "lost" ? (
            <div className="actions">
              <button className="danger" disabled={busy} onClick={() => act("lost", `/devices/${deviceId}`)}>
                Yes, {name} is lost or stolen
              </button>
              <button className="secondary" onClick={() => setConfirming(null)}>
                Cancel
              </button>
            </div>
          ) : (
            <button className="danger" onClick={() => setConfirming("lost")}>
              Lost or stolen
            </button>
          )}
        </>
      )}
      <p className="small" style={{ marginTop: "1rem" }}>
        Giving the device to someone else? Release it: it stops sending to your account, you keep its history up to now
        (read-only), and they can claim it as theirs with a fresh history. Its shares end.
      </p>
      {confirming === "release" ? (
        <div className="actions">
          <button className="danger" disabled={busy} onClick={() => act("release", "/devices")}>
            Yes, release {name}
          </button>
          <button className="secondary" onClick={() => setConfirming(null)}>
            Keep it
          </button>
        </div>
      ) : (
        <button className="danger" onClick={() => setConfirming("release")}>
          Release this device
        </button>
      )}
      <div role="alert">{error && <p className="notice error">{error}</p>}</div>
    </div>
  );
}
