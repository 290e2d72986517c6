"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../../_components/api";
import { Button } from "../../_components/ui/button";
import { Field, Input, Select } from "../../_components/ui/field";
import { Notice } from "../../_components/ui/notice";
import type { Locale } from "@/lib/i18n/locales";
import { useRefusalText } from "../../_components/staff-refusal";
import { InviteLink } from "./invite-link";
import { MailLanguageSelect } from "./mail-language";
import { StudyOptions } from "../../_components/study-options";

export type OpenStudy = { id: string; name: string };

/** A single invitation, mailed in the language chosen; a participant's may name a study that is recruiting (or running). */
export function InviteForm({ studies = [], defaultLocale }: { studies?: OpenStudy[]; defaultLocale: Locale }) {
  const t = useTranslations("staffAccounts");
  const refusal = useRefusalText();
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
      const locale = String(data.get("locale") ?? "");
      const body = {
        email: String(data.get("email")),
        name: String(data.get("name")),
        role,
        ...(studyId ? { studyId } : {}),
        ...(locale ? { locale } : {}),
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
      setError(refusal(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="space-y-3">
      <form
        className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[1fr_1fr_13rem_13rem_auto] lg:items-end"
        onSubmit={(e) => {
          e.preventDefault();
          void submit(e.currentTarget);
        }}
      >
        <Field id="invite-email" label={t("invite.email")}>
          <Input id="invite-email" name="email" type="email" required maxLength={254} />
        </Field>
        <Field id="invite-name" label={t("invite.name")}>
          <Input id="invite-name" name="name" required maxLength={100} />
        </Field>
        <Field id="invite-role" label={t("invite.role")}>
          <Select id="invite-role" name="role" value={role} onChange={(e) => setRole(e.target.value)}>
            {(["participant", "staff", "support", "researcher"] as const).map((r) => (
              <option key={r} value={r}>
                {t(`invite.roles.${r}`)}
              </option>
            ))}
          </Select>
        </Field>
        <MailLanguageSelect id="invite-locale" defaultLocale={defaultLocale} />
        {role === "participant" && studies.length > 0 && (
          <Field id="invite-study" label={t("invite.study")} className="sm:col-span-2 lg:col-span-4">
            <Select id="invite-study" name="study" defaultValue="">
              <StudyOptions studies={studies} none={t("invite.noStudy")} />
            </Select>
          </Field>
        )}
        <Button type="submit" disabled={busy}>
          {busy ? t("invite.creating") : t("invite.create")}
        </Button>
      </form>
      {error && (
        <p role="alert" className="text-sm text-danger-text" data-testid="form-error">
          {error}
        </p>
      )}
      {issued?.enrolled && (
        <Notice tone="ok" role="status" data-testid="invite-enrolled">
          {t.rich("invite.enrolled", { email: issued.email, strong: (chunks) => <strong>{chunks}</strong> })}
        </Notice>
      )}
      {issued?.mailed && (
        <Notice tone="ok" role="status" data-testid="invite-mailed">
          {t.rich("invite.mailed", { email: issued.email, strong: (chunks) => <strong>{chunks}</strong> })}
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
