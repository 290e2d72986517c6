"use client";

import { useTranslations } from "next-intl";
import { api } from "../../_components/api";
import { Time } from "../../_components/time";
import { useAction } from "../../_components/use-action";
import { Button } from "../../_components/ui/button";
import { Field, FieldRow, Input } from "../../_components/ui/field";
import { StatusMessage } from "../../_components/ui/status-message";
import { Truncate } from "../../_components/ui/truncate";
import { useRefusals } from "./refusals";

/** The device's name (unique among the owner's devices). */
export function RenameForm({ deviceId, name }: { deviceId: string; name: string }) {
  const t = useTranslations("device.rename");
  const guard = useRefusals();
  const { busy, message, run } = useAction();
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        const value = String(new FormData(e.currentTarget).get("name") ?? "");
        void run(
          guard(
            "rename",
            async () => {
              const r = await api<{ name: string }>(`/api/v1/devices/${deviceId}`, {
                method: "PATCH",
                body: { name: value },
              });
              return t("done", { name: r.name });
            },
            { name: value.trim() },
          ),
        );
      }}
    >
      <FieldRow>
        <Field id="device-name" label={t("label")}>
          <Input id="device-name" name="name" defaultValue={name} required maxLength={60} />
        </Field>
        <Button type="submit" variant="secondary" disabled={busy}>
          {busy ? t("saving") : t("button")}
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
  const t = useTranslations("device.commands");
  const guard = useRefusals();
  const { busy, message, run } = useAction();
  return (
    <div className="space-y-4">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const seconds = Number(new FormData(e.currentTarget).get("interval"));
          void run(
            guard("commands", async () => {
              await api(`/api/v1/devices/${deviceId}/commands`, {
                method: "POST",
                body: { type: "set_interval", measurementIntervalSeconds: seconds },
              });
              return t("intervalSent", { seconds });
            }),
          );
        }}
      >
        <FieldRow>
          <Field
            id="interval"
            label={t("intervalLabel")}
            hint={t("intervalHint", { interval, min: limits.minSeconds, max: limits.maxSeconds })}
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
            {t("intervalButton")}
          </Button>
        </FieldRow>
      </form>
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="secondary"
          disabled={busy}
          onClick={() =>
            run(
              guard("commands", async () => {
                await api(`/api/v1/devices/${deviceId}/commands`, { method: "POST", body: { type: "identify" } });
                return t("identifySent");
              }),
            )
          }
        >
          {t("identify")}
        </Button>
        <p className="text-xs text-muted">{t("when")}</p>
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
  const t = useTranslations("device.sharing");
  const guard = useRefusals();
  const { busy, message, run } = useAction();
  return (
    <div className="space-y-4">
      <p className="text-sm text-muted">{t("text")}</p>
      {shares.length === 0 ? (
        <p className="text-sm text-muted" data-testid="no-shares">
          {t("none")}
        </p>
      ) : (
        <ul className="divide-y divide-line rounded-lg border border-line" data-testid="share-list">
          {shares.map((s) => (
            <li key={s.id} className="flex items-center justify-between gap-3 px-3 py-2.5">
              <div className="min-w-0">
                <p className="truncate text-sm font-medium">{s.name}</p>
                <div className="flex min-w-0 flex-wrap gap-x-2 text-xs text-muted">
                  <Truncate value={s.email} className="max-w-64" />
                  <span>{t.rich("since", { time: () => <Time value={s.createdAt} /> })}</span>
                </div>
              </div>
              <Button
                variant="secondary"
                size="sm"
                disabled={busy}
                aria-label={t("stopFor", { email: s.email })}
                onClick={() =>
                  run(
                    guard("unshare", async () => {
                      await api(`/api/v1/devices/${deviceId}/shares/${s.id}`, { method: "DELETE" });
                      return t("stopped", { email: s.email });
                    }),
                  )
                }
              >
                {t("stop")}
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
          void run(
            guard(
              "share",
              async () => {
                const r = await api<{ email: string }>(`/api/v1/devices/${deviceId}/shares`, {
                  method: "POST",
                  body: { email },
                });
                form.reset();
                return t("shared", { email: r.email });
              },
              { email: email.trim() },
            ),
          );
        }}
      >
        <FieldRow>
          <Field id="share-email" label={t("email")}>
            <Input id="share-email" name="email" type="email" autoComplete="off" required maxLength={254} />
          </Field>
          <Button type="submit" disabled={busy}>
            {t("button")}
          </Button>
        </FieldRow>
      </form>
      <StatusMessage message={message} testId="share-message" />
    </div>
  );
}
