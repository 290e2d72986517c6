"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { Card } from "../../_components/ui/card";
import { CopyButton } from "../../_components/ui/copy-button";
import { Field, Input } from "../../_components/ui/field";
import { Notice } from "../../_components/ui/notice";

type Enrolment = { secret: string; uri: string; qr: string };

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <Notice tone="ok" data-testid="recovery-codes" title="Your recovery codes">
      <p>Keep them somewhere safe: each one signs you in once instead of a code, and they are shown only now.</p>
      <ul className="my-3 grid grid-cols-2 gap-x-6 gap-y-1 font-mono text-sm sm:grid-cols-3">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <CopyButton value={codes.join("\n")} label="Copy the codes" copiedLabel="Copied" />
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
      setError(err instanceof Error ? err.message : "Something went wrong.");
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
          Two-factor sign-in is on for {email}.
        </p>
        <RecoveryCodes codes={codes} />
        <Button
          onClick={() => {
            setCodes(null);
            router.refresh();
          }}
        >
          I have saved them
        </Button>
      </Card>
    );
  }

  if (!on) {
    return (
      <Card className="space-y-4 p-5">
        <p className="text-sm">
          With two-factor sign-in, signing in needs your password and a code from an authenticator app on your phone
          (for example Google Authenticator, Aegis, 1Password or FreeOTP).
        </p>
        {!enrolment ? (
          <Button
            disabled={busy}
            onClick={() =>
              run(async () => setEnrolment(await api<Enrolment>("/api/v1/me/two-factor/enrolment", { method: "POST" })))
            }
          >
            Set up two-factor sign-in
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
            <p className="text-sm font-medium">1. Scan this code with your authenticator app.</p>
            {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL drawn on our server */}
            <img
              src={enrolment.qr}
              alt="QR code to add Claimlink to your authenticator app"
              width={240}
              height={240}
              data-testid="totp-qr"
              className="rounded-md border border-line bg-white p-2"
            />
            <div className="flex flex-wrap items-center gap-2 text-sm text-muted">
              Or type this key into the app:
              <span className="font-mono break-all text-fg" data-testid="totp-secret">
                {enrolment.secret}
              </span>
              <CopyButton value={enrolment.secret} label="Copy the key" copiedLabel="Copied" iconOnly variant="ghost" />
            </div>
            <p className="text-sm font-medium">2. Enter the code the app shows to switch it on.</p>
            <CodeField id="enrol-code" label="Code from the app" />
            {errorNote}
            <Button type="submit" disabled={busy}>
              {busy ? "Checking…" : "Switch on"}
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
        Two-factor sign-in is on. {remaining} unused recovery code{remaining === 1 ? "" : "s"} left.
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
        <h2 className="mb-2 text-base font-semibold">New recovery codes</h2>
        <div className="flex flex-wrap items-end gap-3">
          <CodeField id="regen-code" label="Current code, to make new recovery codes" />
          <Button type="submit" variant="secondary" disabled={busy}>
            Make new recovery codes
          </Button>
        </div>
      </form>
      {!required && (
        <form
          action={(form) =>
            run(async () => {
              await api("/api/v1/me/two-factor", { method: "DELETE", body: { code: String(form.get("code") ?? "") } });
              setMessage("Two-factor sign-in is off.");
              router.refresh();
            })
          }
        >
          <h2 className="mb-2 text-base font-semibold">Switch off</h2>
          <div className="flex flex-wrap items-end gap-3">
            <CodeField id="off-code" label="Current code, to switch two-factor off" />
            <Button type="submit" variant="danger-outline" disabled={busy}>
              Switch off two-factor sign-in
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
