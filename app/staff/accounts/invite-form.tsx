"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { Field, Input, Select } from "../../_components/ui/field";
import { Notice } from "../../_components/ui/notice";
import { InviteLink } from "./invite-link";
import { StudyOptions } from "../../_components/study-options";

export type OpenStudy = { id: string; name: string };

/** A single invitation; a participant's may name a study that is recruiting (or running). */
export function InviteForm({ studies = [] }: { studies?: OpenStudy[] }) {
  const router = useRouter();
  const [role, setRole] = useState("participant");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [issued, setIssued] = useState<{
    email: string;
    link?: string;
    mailed: boolean;
    mailError?: string;
    enrolled?: boolean;
  } | null>(null);

  async function submit(form: HTMLFormElement) {
    const data = new FormData(form);
    setBusy(true);
    setError(null);
    setIssued(null);
    try {
      const studyId = role === "participant" ? String(data.get("study") ?? "") : "";
      const body = {
        email: String(data.get("email")),
        name: String(data.get("name")),
        role,
        ...(studyId ? { studyId } : {}),
      };
      const r = await api<{
        link?: string;
        mailed: boolean;
        mailError?: string;
        invitation?: { email: string };
        enrolled?: boolean;
        email?: string;
      }>("/api/v1/staff/invitations", { method: "POST", body });
      if (r.enrolled) setIssued({ email: r.email ?? body.email, mailed: false, enrolled: true });
      else setIssued({ email: r.invitation!.email, link: r.link, mailed: r.mailed, mailError: r.mailError });
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
          <Select id="invite-role" name="role" value={role} onChange={(e) => setRole(e.target.value)}>
            <option value="participant">Participant</option>
            <option value="staff">Staff</option>
            <option value="support">Support (read-only staff)</option>
            <option value="researcher">Researcher (studies granted to them)</option>
          </Select>
        </Field>
        {role === "participant" && studies.length > 0 && (
          <Field id="invite-study" label="Study" className="lg:col-span-3">
            <Select id="invite-study" name="study" defaultValue="">
              <StudyOptions studies={studies} none="No study" />
            </Select>
          </Field>
        )}
        <Button type="submit" disabled={busy}>
          {busy ? "Creating…" : "Create invitation"}
        </Button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-danger-text" data-testid="form-error">
          {error}
        </p>
      )}
      {issued?.enrolled && (
        <Notice tone="ok" role="status" data-testid="invite-enrolled">
          <strong>{issued.email}</strong> already has an account: they are in the study now and see it when they next
          sign in.
        </Notice>
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
