"use client";

import { api } from "../../_components/api";
import { Time } from "../../_components/time";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { Field, FieldRow, Input } from "../../_components/ui/field";
import { StatusMessage } from "../../_components/ui/status-message";
import { Truncate } from "../../_components/ui/truncate";

/** The device's name (unique among the owner's devices). */
export function RenameForm({ deviceId, name }: { deviceId: string; name: string }) {
  const { busy, message, run } = useAction();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const value = String(new FormData(e.currentTarget).get("name") ?? "");
        void run(async () => {
          const r = await api<{ name: string }>(`/api/v1/devices/${deviceId}`, {
            method: "PATCH",
            body: { name: value },
          });
          return `Renamed to “${r.name}”.`;
        });
      }}
    >
      <FieldRow>
        <Field id="device-name" label="Device name">
          <Input id="device-name" name="name" defaultValue={name} required maxLength={60} />
        </Field>
        <Button type="submit" variant="secondary" disabled={busy}>
          {busy ? "Saving…" : "Rename"}
        </Button>
      </FieldRow>
      <StatusMessage message={message} testId="rename-message" className="mt-2" />
    </form>
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
    <div className="space-y-4">
      <form
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
        <FieldRow>
          <Field
            id="interval"
            label="Measure every (seconds)"
            hint={`Now every ${interval} s. From ${limits.minSeconds} to ${limits.maxSeconds} seconds.`}
          >
            <Input
              id="interval"
              name="interval"
              type="number"
              inputMode="numeric"
              required
              min={limits.minSeconds}
              max={limits.maxSeconds}
              step={1}
              defaultValue={interval}
              aria-describedby="interval-hint"
            />
          </Field>
          <Button type="submit" variant="secondary" disabled={busy} className="sm:mb-5">
            Set interval
          </Button>
        </FieldRow>
      </form>
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="secondary"
          disabled={busy}
          onClick={() =>
            run(async () => {
              await api(`/api/v1/devices/${deviceId}/commands`, { method: "POST", body: { type: "identify" } });
              return "Sent: the device will blink or beep so you can find it.";
            })
          }
        >
          Identify (blink or beep)
        </Button>
        <p className="text-xs text-muted">The device carries commands out the next time it checks in.</p>
      </div>
      <StatusMessage message={message} testId="command-message" />
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
    <div className="space-y-4">
      <p className="text-sm text-muted">
        Let someone in your household see this device&apos;s values and history. They cannot rename, release or share
        it.
      </p>
      {shares.length === 0 ? (
        <p className="text-sm text-muted" data-testid="no-shares">
          Not shared with anyone.
        </p>
      ) : (
        <ul className="divide-y divide-line rounded-lg border border-line" data-testid="share-list">
          {shares.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-3 px-3 py-2.5">
              <div className="min-w-0">
                <p className="truncate text-sm font-medium">{s.name}</p>
                <div className="flex min-w-0 flex-wrap gap-x-2 text-xs text-muted">
                  <Truncate value={s.email} className="max-w-64" />
                  <span>
                    since <Time value={s.createdAt} />
                  </span>
                </div>
              </div>
              <Button
                variant="secondary"
                size="sm"
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
              </Button>
            </li>
          ))}
        </ul>
      )}
      <form
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
        <FieldRow>
          <Field id="share-email" label="Their Claimlink account's email">
            <Input id="share-email" name="email" type="email" autoComplete="off" required maxLength={254} />
          </Field>
          <Button type="submit" disabled={busy}>
            Share
          </Button>
        </FieldRow>
      </form>
      <StatusMessage message={message} testId="share-message" />
    </div>
  );
}
