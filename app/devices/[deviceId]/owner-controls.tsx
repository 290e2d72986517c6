"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { Time } from "../../_components/time";

type Message = { kind: "ok" | "error"; text: string } | null;

function useAction() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<Message>(null);
  async function run(fn: () => Promise<string>) {
    setBusy(true);
    setMessage(null);
    try {
      setMessage({ kind: "ok", text: await fn() });
      router.refresh();
    } catch (err) {
      setMessage({ kind: "error", text: err instanceof Error ? err.message : "Something went wrong." });
    } finally {
      setBusy(false);
    }
  }
  return { busy, message, run };
}

function Status({ message, testId }: { message: Message; testId: string }) {
  return (
    <div role="status" aria-live="polite">
      {message && (
        <p className={`notice ${message.kind}`} data-testid={testId}>
          {message.text}
        </p>
      )}
    </div>
  );
}

/** "Identify" and the measurement interval: commands the device fetches on its next request. */
export function DeviceCommands({
  deviceId,
  interval,
  limits,
}: {
  deviceId: string;
  interval: number;
  limits: { minSeconds: number; maxSeconds: number };
}) {
  const { busy, message, run } = useAction();
  return (
    <div className="card">
      <h2 style={{ marginTop: 0 }}>Commands</h2>
      <p className="small">The device carries these out the next time it checks in (within a minute or so).</p>
      <div className="actions">
        <button
          disabled={busy}
          onClick={() =>
            run(async () => {
              await api(`/api/v1/devices/${deviceId}/commands`, { method: "POST", body: { type: "identify" } });
              return "Sent: the device will blink or beep so you can find it.";
            })
          }
        >
          Identify (blink or beep)
        </button>
      </div>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const seconds = Number(new FormData(e.currentTarget).get("interval"));
          void run(async () => {
            await api(`/api/v1/devices/${deviceId}/commands`, {
              method: "POST",
              body: { type: "set_interval", measurementIntervalSeconds: seconds },
            });
            return `Sent: the device will measure every ${seconds} seconds.`;
          });
        }}
      >
        <div>
          <label htmlFor="interval">
            Measure every (seconds, {limits.minSeconds} to {limits.maxSeconds})
          </label>
          <input
            id="interval"
            name="interval"
            type="number"
            inputMode="numeric"
            required
            min={limits.minSeconds}
            max={limits.maxSeconds}
            step={1}
            defaultValue={interval}
          />
        </div>
        <button type="submit" disabled={busy}>
          Set interval
        </button>
      </form>
      <Status message={message} testId="command-message" />
    </div>
  );
}

/** Household sharing: who else may see this device, read-only. */
export function DeviceSharing({
  deviceId,
  shares,
}: {
  deviceId: string;
  shares: { id: string; email: string; name: string; createdAt: Date }[];
}) {
  const { busy, message, run } = useAction();
  return (
    <div className="card">
      <h2 style={{ marginTop: 0 }}>Sharing</h2>
      <p className="small">
        Let someone in your household see this device&apos;s values and history. They cannot rename, release or share
        it.
      </p>
      {shares.length === 0 ? (
        <p className="muted small" data-testid="no-shares">
          Not shared with anyone.
        </p>
      ) : (
        <ul className="plain-list" data-testid="share-list">
          {shares.map((s) => (
            <li key={s.id} className="row" style={{ justifyContent: "space-between", alignItems: "center" }}>
              <span>
                {s.name} ({s.email}) · since <Time value={s.createdAt} />
              </span>
              <button
                className="secondary"
                disabled={busy}
                aria-label={`Stop sharing with ${s.email}`}
                onClick={() =>
                  run(async () => {
                    await api(`/api/v1/devices/${deviceId}/shares/${s.id}`, { method: "DELETE" });
                    return `${s.email} can no longer see this device.`;
                  })
                }
              >
                Stop sharing
              </button>
            </li>
          ))}
        </ul>
      )}
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          const form = e.currentTarget;
          const email = String(new FormData(form).get("email") ?? "");
          void run(async () => {
            const r = await api<{ email: string }>(`/api/v1/devices/${deviceId}/shares`, {
              method: "POST",
              body: { email },
            });
            form.reset();
            return `Shared with ${r.email}.`;
          });
        }}
      >
        <div>
          <label htmlFor="share-email">Their Claimlink account&apos;s email</label>
          <input id="share-email" name="email" type="email" autoComplete="off" required maxLength={254} />
        </div>
        <button type="submit" disabled={busy}>
          Share
        </button>
      </form>
      <Status message={message} testId="share-message" />
    </div>
  );
}
