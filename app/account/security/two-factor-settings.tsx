"use client";

import { useRouter } from "next/navigation";
import { useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { Card } from "../../_components/ui/card";
import { CopyButton } from "../../_components/ui/copy-button";
import { Field, Input } from "../../_components/ui/field";
import { Notice } from "../../_components/ui/notice";
import { useRefusal } from "../refusal";

type Enrolment = { secret: string; uri: string; qr: string };

function RecoveryCodes({ codes }: { codes: string[] }) {
  const t = useTranslations("account.security");
  const copied = useTranslations("account")("copied");
  return (
    <Notice tone="ok" data-testid="recovery-codes" title={t("codesTitle")}>
      <p>{t("codesText")}</p>
      <ul className="my-3 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm sm:grid-cols-3">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <CopyButton value={codes.join("\n")} label={t("copyCodes")} copiedLabel={copied} />
    </Notice>
  );
}

function CodeField({ id, label }: { id: string; label: string }) {
  return (
    <Field id={id} label={label}>
      <Input
        id={id}
        name="code"
        inputMode="numeric"
        autoComplete="one-time-code"
        required
        maxLength={40}
        className="max-w-xs font-mono tracking-widest"
      />
    </Field>
  );
}

export function TwoFactorSettings({
  email,
  on,
  required,
  remaining,
}: {
  email: string;
  on: boolean;
  required: boolean;
  remaining: number;
}) {
  const t = useTranslations("account.security");
  const copied = useTranslations("account")("copied");
  const refusal = useRefusal("twoFactor");
  const router = useRouter();
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const [codes, setCodes] = useState<string[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  async function run(action: () => Promise<void>) {
    setBusy(true);
    setError(null);
    setMessage(null);
    try {
      await action();
    } catch (err) {
      setError(refusal(err).message);
    } finally {
      setBusy(false);
    }
  }

  const errorNote = error && (
    <p role="alert" className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text" data-testid="form-error">
      {error}
    </p>
  );

  if (codes) {
    return (
      <Card className="space-y-4 p-5">
        <p className="text-sm" data-testid="two-factor-on">
          {t("onFor", { email })}
        </p>
        <RecoveryCodes codes={codes} />
        <Button
          onClick={() => {
            setCodes(null);
            router.refresh();
          }}
        >
          {t("saved")}
        </Button>
      </Card>
    );
  }

  if (!on) {
    return (
      <Card className="space-y-4 p-5">
        <p className="text-sm">{t("intro")}</p>
        {!enrolment ? (
          <Button
            disabled={busy}
            onClick={() =>
              run(async () => setEnrolment(await api<Enrolment>("/api/v1/me/two-factor/enrolment", { method: "POST" })))
            }
          >
            {t("setUp")}
          </Button>
        ) : (
          <form
            className="space-y-4"
            action={(form) =>
              run(async () => {
                const r = await api<{ recoveryCodes: string[] }>("/api/v1/me/two-factor", {
                  method: "POST",
                  body: { code: String(form.get("code") ?? "") },
                });
                setEnrolment(null);
                setCodes(r.recoveryCodes);
              })
            }
          >
            <p className="text-sm font-medium">{t("step1")}</p>
            {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL drawn on our server */}
            <img
              src={enrolment.qr}
              alt={t("qrAlt")}
              width={240}
              height={240}
              data-testid="totp-qr"
              className="rounded-md border border-line bg-white p-2"
            />
            <div className="flex flex-wrap items-center gap-2 text-sm text-muted">
              {t("orType")}
              <span className="font-mono break-all text-fg" data-testid="totp-secret">
                {enrolment.secret}
              </span>
              <CopyButton value={enrolment.secret} label={t("copyKey")} copiedLabel={copied} iconOnly variant="ghost" />
            </div>
            <p className="text-sm font-medium">{t("step2")}</p>
            <CodeField id="enrol-code" label={t("codeFromApp")} />
            {errorNote}
            <Button type="submit" disabled={busy}>
              {busy ? t("checking") : t("switchOn")}
            </Button>
          </form>
        )}
        {!enrolment && errorNote}
      </Card>
    );
  }

  return (
    <Card className="space-y-6 p-5">
      <p className="text-sm" data-testid="two-factor-on">
        {t("isOn", { remaining })}
      </p>
      <form
        action={(form) =>
          run(async () => {
            const r = await api<{ recoveryCodes: string[] }>("/api/v1/me/two-factor/recovery-codes", {
              method: "POST",
              body: { code: String(form.get("code") ?? "") },
            });
            setCodes(r.recoveryCodes);
          })
        }
      >
        <h2 className="mb-2 text-base font-semibold">{t("newCodesTitle")}</h2>
        <div className="flex flex-wrap items-end gap-3">
          <CodeField id="regen-code" label={t("newCodesLabel")} />
          <Button type="submit" variant="secondary" disabled={busy}>
            {t("newCodes")}
          </Button>
        </div>
      </form>
      {!required && (
        <form
          action={(form) =>
            run(async () => {
              await api("/api/v1/me/two-factor", { method: "DELETE", body: { code: String(form.get("code") ?? "") } });
              setMessage(t("isOff"));
              router.refresh();
            })
          }
        >
          <h2 className="mb-2 text-base font-semibold">{t("offTitle")}</h2>
          <div className="flex flex-wrap items-end gap-3">
            <CodeField id="off-code" label={t("offLabel")} />
            <Button type="submit" variant="danger-outline" disabled={busy}>
              {t("switchOff")}
            </Button>
          </div>
        </form>
      )}
      {errorNote}
      {message && (
        <p role="status" className="text-sm text-ok-text">
          {message}
        </p>
      )}
    </Card>
  );
}
