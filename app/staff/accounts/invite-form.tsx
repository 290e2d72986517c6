"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { InviteLink } from "./invite-link";

export function InviteForm() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ email: string; link?: string; mailed: boolean; mailError?: string } | null>(
    null,
  );

  async function submit(form: FormData) {
    setBusy(true);
    setError(null);
    setIssued(null);
    try {
      const body = { email: String(form.get("email")), name: String(form.get("name")), role: String(form.get("role")) };
      const r = await api<{ link?: string; mailed: boolean; mailError?: string; invitation: { email: string } }>(
        "/api/v1/staff/invitations",
        { method: "POST", body },
      );
      setIssued({ email: r.invitation.email, link: r.link, mailed: r.mailed, mailError: r.mailError });
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Something went wrong.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="card">
      <h2 style={{ marginTop: 0 }}>Invite someone</h2>
      <form action={submit} className="row">
        <div>
          <label htmlFor="invite-email">Email</label>
          <input id="invite-email" name="email" type="email" required maxLength={254} />
        </div>
        <div>
          <label htmlFor="invite-name">Name</label>
          <input id="invite-name" name="name" required maxLength={100} />
        </div>
        <div>
          <label htmlFor="invite-role">Role</label>
          <select id="invite-role" name="role" defaultValue="participant">
            <option value="participant">Participant</option>
            <option value="staff">Staff</option>
            <option value="support">Support (read-only staff)</option>
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create invitation"}
        </button>
      </form>
      {error && (
        <p className="notice error" data-testid="form-error">
          {error}
        </p>
      )}
      {issued?.mailed && (
        <p className="notice ok" data-testid="invite-mailed">
          The invitation was mailed to <strong>{issued.email}</strong>.
        </p>
      )}
      {issued?.mailError && <p className="notice error">{issued.mailError}</p>}
      {issued?.link && <InviteLink email={issued.email} link={issued.link} />}
    </div>
  );
}
