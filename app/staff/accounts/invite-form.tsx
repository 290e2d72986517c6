"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { Field, Input, Select } from "../../_components/ui/field";
import { Notice } from "../../_components/ui/notice";
import { InviteLink } from "./invite-link";

export function InviteForm() {
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<{ email: string; link?: string; mailed: boolean; mailError?: string } | null>(
    null,
  );

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    setIssued(null);
    try {
      const body = { email: String(data.get("email")), name: String(data.get("name")), role: String(data.get("role")) };
      const r = await api<{ link?: string; mailed: boolean; mailError?: string; invitation: { email: string } }>(
        "/api/v1/staff/invitations",
        { method: "POST", body },
      );
      setIssued({ email: r.invitation.email, link: r.link, mailed: r.mailed, mailError: r.mailError });
      form.reset();
      router.refresh();
    } catch (err) {
      setError(err instanceof Error ? err.message : "Something went wrong.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-3">
      <form
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_14rem_auto] lg:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(e.currentTarget);
        }}
      >
        <Field id="invite-email" label="Email">
          <Input id="invite-email" name="email" type="email" required maxLength={254} />
        </Field>
        <Field id="invite-name" label="Name">
          <Input id="invite-name" name="name" required maxLength={100} />
        </Field>
        <Field id="invite-role" label="Role">
          <Select id="invite-role" name="role" defaultValue="participant">
            <option value="participant">Participant</option>
            <option value="staff">Staff</option>
            <option value="support">Support (read-only staff)</option>
          </Select>
        </Field>
        <Button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create invitation"}
        </Button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-danger-text" data-testid="form-error">
          {error}
        </p>
      )}
      {issued?.mailed && (
        <Notice tone="ok" role="status" data-testid="invite-mailed">
          The invitation was mailed to <strong>{issued.email}</strong>.
        </Notice>
      )}
      {issued?.mailError && (
        <Notice tone="danger" role="alert">
          {issued.mailError}
        </Notice>
      )}
      {issued?.link && <InviteLink email={issued.email} link={issued.link} />}
    </div>
  );
}
