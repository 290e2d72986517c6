"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "../../_components/api";

/** Replacing the hardware and releasing the device: the two ways a device record changes hands. */
export function DeviceActions({ deviceId, name }: { deviceId: string; name: string }) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="card">
      <h2 style={{ marginTop: 0 }}>Replace or release</h2>
      <p className="small">
        New hardware for this device (the old one broke)? Claim the new one as a replacement: it keeps this name and
        history.
      </p>
      <Link className="button secondary" href={`/claim?replaces=${deviceId}`}>
        Claim a replacement
      </Link>
      <p className="small" style={{ marginTop: "1rem" }}>
        Giving the device to someone else? Release it: you keep its history here, and they can claim it as theirs.
      </p>
      {confirming ? (
        <div className="actions">
          <button
            className="danger"
            onClick={async () => {
              try {
                await api(`/api/v1/devices/${deviceId}/release`, { method: "POST" });
                window.location.href = "/devices";
              } catch (err) {
                setError(err instanceof Error ? err.message : "Something went wrong.");
              }
            }}
          >
            Yes, release {name}
          </button>
          <button className="secondary" onClick={() => setConfirming(false)}>
            Keep it
          </button>
        </div>
      ) : (
        <button className="danger" onClick={() => setConfirming(true)}>
          Release this device
        </button>
      )}
      {error && <p className="notice error">{error}</p>}
    </div>
  );
}
