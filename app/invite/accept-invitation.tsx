"use client";

import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { useState } from "react";
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from "@/lib/auth/password-rules";
import type { Locale } from "@/lib/i18n/locales";
import { signInAction } from "../(auth)/actions";
import { api, ApiError } from "../_components/api";
import { LinkLookupNotice, useLinkLookup } from "../_components/link-lookup";
import { NewPasswordFields, useChosenPassword } from "../_components/new-password-fields";
import { INVITE_CONSENT_KEY, type InviteConsent } from "../_components/invite-consent";
import { localized, localizedIn, type Localized } from "../_components/localized";
import { MarkdownText } from "../_components/markdown";
import { refusalOf } from "../_components/refusal";
import { Button } from "../_components/ui/button";
import { CheckboxField } from "../_components/ui/field";

type InvitationStudy = {
  id: string;
  name: Localized;
  description: Localized;
  contactEmail: string;
  dataPolicy: "erase" | "retain";
  consent: { id: string; version: number; text: Localized };
};
type Invitation = { email: string; name: string; expiresAt: string; study: InvitationStudy | null };
// The refusals this page has its own sentence for (messages/*.json `invite.refusals`). Looking a
// link up, a malformed token is `invalid_request`; accepting it, that is the password's rules.
const LOOKUP_REFUSALS = ["not_found", "invalid_request", "rate_limited", "network_error"];
const ACCEPT_REFUSALS = ["not_found", "email_taken", "rate_limited", "network_error"];

export function AcceptInvitation() {
  const t = useTranslations("invite");
  const locale = useLocale() as Locale;
  const choosePassword = useChosenPassword();
  const passwordRules = useTranslations("password")("rules", { min: PASSWORD_MIN_LENGTH, max: PASSWORD_MAX_LENGTH });
  const { link, forget } = useLinkLookup<Invitation>("invitation", "/api/v1/invitations/lookup", LOOKUP_REFUSALS);
  const [formState, setFormState] = useState<{ error: string | null; busy: boolean }>({ error: null, busy: false });

  if (link.step !== "found")
    return (
      <LinkLookupNotice
        link={link}
        checking={t("checking")}
        refused={
          link.step === "invalid" && link.refusal
            ? t(`refusals.${link.refusal.key}`, link.refusal.values)
            : t("noToken")
        }
        help={t("invalidHelp")}
        signIn={t("signIn")}
        testId="invite-error"
      />
    );
  const { token, value: invitation } = link;

  async function submit(form: FormData) {
    const chosen = choosePassword(form);
    if ("error" in chosen) {
      setFormState({ ...formState, error: chosen.error });
      return;
    }
    const { password } = chosen;
    const study = invitation.study;
    if (study && form.get("consent") !== "yes") {
      setFormState({ ...formState, error: t("consentMissing") });
      return;
    }
    setFormState({ busy: true, error: null });
    try {
      await api("/api/v1/invitations/accept", { method: "POST", body: { token, password } });
    } catch (err) {
      const refusal = refusalOf(err, ACCEPT_REFUSALS);
      const error =
        err instanceof ApiError && err.code === "invalid_request"
          ? passwordRules
          : t(`refusals.${refusal.key}`, refusal.values);
      setFormState({ busy: false, error });
      return;
    }
    forget();
    // The consent ticked here is recorded by the consent screen right after sign-in, for this version only.
    if (study)
      sessionStorage.setItem(
        INVITE_CONSENT_KEY,
        JSON.stringify({ studyId: study.id, versionId: study.consent.id } satisfies InviteConsent),
      );
    const credentials = new FormData();
    credentials.set("email", invitation.email);
    credentials.set("password", password);
    credentials.set("next", study ? `/studies/${study.id}/consent` : "/");
    await signInAction({ error: null, email: invitation.email, step: "password" }, credentials);
  }

  return (
    <form
      className="space-y-4"
      noValidate
      onSubmit={(e) => {
        // Not a form action: React resets a form after its action, and a mismatch must keep what was typed.
        e.preventDefault();
        void submit(new FormData(e.currentTarget));
      }}
    >
      {invitation.study && <StudyConsent study={invitation.study} locale={locale} />}
      <p className="text-sm">
        {t.rich("hello", {
          name: invitation.name,
          email: invitation.email,
          strong: (c) => <strong>{c}</strong>,
        })}
      </p>
      <NewPasswordFields hint />
      {invitation.study && (
        <CheckboxField
          id="invite-consent"
          name="consent"
          value="yes"
          data-testid="invite-consent"
          label={t("consentLabel", {
            version: invitation.study.consent.version,
            study: localized(invitation.study.name, locale),
          })}
        />
      )}
      {formState.error && (
        <p
          role="alert"
          className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text"
          data-testid="form-error"
        >
          {formState.error}
        </p>
      )}
      <Button type="submit" disabled={formState.busy} className="w-full">
        {formState.busy ? t("submitting") : t("submit")}
      </Button>
      <p className="text-center text-sm text-muted">
        {t.rich("haveAccount", { link: (c) => <Link href="/sign-in">{c}</Link> })}
      </p>
    </form>
  );
}

/** The study an invitation names: what it is and the consent text, read before the account exists. */
function StudyConsent({ study, locale }: { study: InvitationStudy; locale: Locale }) {
  const t = useTranslations("invite");
  const description = localizedIn(study.description, locale);
  const consent = localizedIn(study.consent.text, locale);
  const other = (lang: Locale) => (lang === locale ? undefined : lang);
  return (
    <div className="space-y-3 border-b border-line pb-4" data-testid="invite-study">
      <h2 className="text-base font-semibold">{t("studyTitle", { study: localized(study.name, locale) })}</h2>
      <MarkdownText text={description.text} lang={other(description.lang)} testId="invite-description" />
      <div className="max-h-80 overflow-y-auto rounded-md border border-line bg-sunken px-3 py-2" tabIndex={0}>
        <p className="mb-2 text-xs font-medium tracking-wide text-muted uppercase">
          {t("consentText", { version: study.consent.version })}
        </p>
        <MarkdownText text={consent.text} lang={other(consent.lang)} testId="invite-consent-text" />
      </div>
      <p className="text-sm text-muted">
        {study.dataPolicy === "erase" ? t("policyErase") : t("policyRetain")}{" "}
        {t.rich("questions", {
          email: study.contactEmail,
          mail: (c) => <a href={`mailto:${study.contactEmail}`}>{c}</a>,
        })}
      </p>
    </div>
  );
}
