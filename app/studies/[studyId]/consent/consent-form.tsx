"use client";

import { useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useEffect, useRef, useState } from "react";
import { api } from "../../../_components/api";
import { INVITE_CONSENT_KEY, type InviteConsent } from "../../../_components/invite-consent";
import { refusalOf } from "../../../_components/refusal";
import { Button, ButtonLink } from "../../../_components/ui/button";
import { CheckboxField } from "../../../_components/ui/field";

// The refusals the consent screen has its own sentence for (messages/*.json `consent.refusals`).
const REFUSALS = [
  "study_not_found",
  "study_closed",
  "consent_version_not_current",
  "consent_version_not_found",
  "network_error",
];

/**
 * The consent checkbox and button. Consent is to this exact version: the server refuses any
 * other. Someone who ticked consent to this version on their invitation page (before their
 * account existed) has it recorded here at once.
 */
export function ConsentForm({
  studyId,
  versionId,
  version,
  again,
}: {
  studyId: string;
  versionId: string;
  version: number;
  again: boolean;
}) {
  const t = useTranslations("consent");
  const router = useRouter();
  const [agreed, setAgreed] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fromInvite = useRef(false);

  async function consent() {
    setBusy(true);
    setError(null);
    try {
      await api(`/api/v1/me/studies/${studyId}/consent`, { method: "POST", body: { versionId } });
      router.push("/devices");
      router.refresh();
    } catch (err) {
      setError(t(`refusals.${refusalOf(err, REFUSALS).key}`));
      setBusy(false);
    }
  }

  useEffect(() => {
    const pending = takeInviteConsent();
    if (pending?.studyId === studyId && pending.versionId === versionId && !fromInvite.current) {
      fromInvite.current = true;
      queueMicrotask(() => void consent());
    }
    // Once, on arrival.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        if (agreed) void consent();
      }}
    >
      <CheckboxField
        id="consent"
        checked={agreed}
        onChange={(e) => setAgreed(e.target.checked)}
        data-testid="consent-checkbox"
        label={t("checkbox", { version })}
      />
      {error && (
        <p
          role="alert"
          className="rounded-md bg-danger-soft px-3 py-2 text-sm text-danger-text"
          data-testid="consent-error"
        >
          {error}
        </p>
      )}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={!agreed || busy}>
          {busy ? t("saving") : t("submit")}
        </Button>
        <ButtonLink variant="danger-outline" href={`/account/studies/${studyId}/withdraw`}>
          {again ? t("withdrawInstead") : t("decline")}
        </ButtonLink>
      </div>
    </form>
  );
}

function takeInviteConsent(): InviteConsent | null {
  try {
    const raw = sessionStorage.getItem(INVITE_CONSENT_KEY);
    sessionStorage.removeItem(INVITE_CONSENT_KEY);
    return raw ? (JSON.parse(raw) as InviteConsent) : null;
  } catch {
    return null;
  }
}
