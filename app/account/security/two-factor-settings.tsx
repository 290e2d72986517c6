"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";

type Enrolment = { secret: string; uri: string; qr: string };

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <div className="notice ok" data-testid="recovery-codes">
      <p style={{ marginTop: 0 }}>
        Your recovery codes. Keep them somewhere safe: each one signs you in once instead of a code, and they are shown
        only now.
      </p>
      <ul className="mono">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
    </div>
  );
}

function CodeField({ id, label }: { id: string; label: string }) {
  return (
    <>
      <label htmlFor={id}>{label}</label>
      <input id={id} name="code" inputMode="numeric" autoComplete="one-time-code" required maxLength={40} />
    </>
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
    <p className="notice error" data-testid="form-error">
      {error}
    </p>
  );

  if (codes) {
    return (
      <div className="card">
        <p data-testid="two-factor-on">Two-factor sign-in is on for {email}.</p>
        <RecoveryCodes codes={codes} />
        <div className="actions">
          <button
            onClick={() => {
              setCodes(null);
              router.refresh();
            }}
          >
            I have saved them
          </button>
        </div>
      </div>
    );
  }

  if (!on) {
    return (
      <div className="card">
        <p>
          With two-factor sign-in, signing in needs your password and a code from an authenticator app on your phone
          (for example Google Authenticator, Aegis, 1Password or FreeOTP).
        </p>
        {!enrolment ? (
          <div className="actions">
            <button
              disabled={busy}
              onClick={() =>
                run(async () =>
                  setEnrolment(await api<Enrolment>("/api/v1/me/two-factor/enrolment", { method: "POST" })),
                )
              }
            >
              Set up two-factor sign-in
            </button>
          </div>
        ) : (
          <form
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
            <p>1. Scan this code with your authenticator app.</p>
            {/* eslint-disable-next-line @next/next/no-img-element -- a data: URL drawn on our server */}
            <img
              src={enrolment.qr}
              alt="QR code to add Claimlink to your authenticator app"
              width={240}
              height={240}
              data-testid="totp-qr"
            />
            <p className="small muted">
              Or type this key into the app:{" "}
              <span className="mono" data-testid="totp-secret">
                {enrolment.secret}
              </span>
            </p>
            <p>2. Enter the code the app shows to switch it on.</p>
            <CodeField id="enrol-code" label="Code from the app" />
            {errorNote}
            <div className="actions">
              <button type="submit" disabled={busy}>
                {busy ? "Checking…" : "Switch on"}
              </button>
            </div>
          </form>
        )}
        {!enrolment && errorNote}
      </div>
    );
  }

  return (
    <div className="card">
      <p data-testid="two-factor-on">
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
        <h2>New recovery codes</h2>
        <CodeField id="regen-code" label="Current code, to make new recovery codes" />
        <div className="actions">
          <button type="submit" className="secondary" disabled={busy}>
            Make new recovery codes
          </button>
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
          <h2>Switch off</h2>
          <CodeField id="off-code" label="Current code, to switch two-factor off" />
          <div className="actions">
            <button type="submit" className="danger" disabled={busy}>
              Switch off two-factor sign-in
            </button>
          </div>
        </form>
      )}
      {errorNote}
      {message && <p className="notice ok">{message}</p>}
    </div>
  );
}
