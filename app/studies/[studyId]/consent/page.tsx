import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { requireUserPage } from "@/lib/auth/current";
import { AppError } from "@/lib/errors";
import type { Locale } from "@/lib/i18n/locales";
import { myConsentScreen } from "@/lib/studies/participant-api";
import { localized, localizedIn, type Localized } from "../../../_components/localized";
import { MarkdownText } from "../../../_components/markdown";
import { ButtonLink } from "../../../_components/ui/button";
import { Card, Panel } from "../../../_components/ui/card";
import { Main } from "../../../_components/ui/main";
import { Notice } from "../../../_components/ui/notice";
import { PageHeader } from "../../../_components/ui/page-header";
import { ConsentForm } from "./consent-form";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("consent"))("title") };
}

/**
 * A study's consent screen: its description and the current consent text, and, for someone
 * asked to consent again, what changed first. Opening it marks the version shown (it never
 * changes after). They consent, or (asked again) withdraw instead.
 */
export default async function ConsentPage({ params }: { params: Promise<{ studyId: string }> }) {
  const { studyId } = await params;
  const [t, locale] = await Promise.all([getTranslations("consent"), getLocale() as Promise<Locale>]);
  const user = await requireUserPage(`/studies/${encodeURIComponent(studyId)}/consent`);
  const screen = await myConsentScreen(user, studyId).catch((err) => {
    if (err instanceof AppError && err.code === "study_not_found") notFound();
    if (err instanceof AppError && err.code === "study_closed") return null;
    throw err;
  });
  if (!screen)
    return (
      <Main width="narrow">
        <PageHeader title={t("title")} />
        <Notice tone="warn" title={t("closedTitle")}>
          {t("closedText")}
        </Notice>
      </Main>
    );
  const { study, state, current, since } = screen;
  const changes = since.filter((v) => localized(v.changes, locale));
  // A study text in the reader's language, else the other one (then marked with its own `lang`).
  const text = (value: Localized) => {
    const picked = localizedIn(value, locale);
    return { text: picked.text, lang: picked.lang === locale ? undefined : picked.lang };
  };
  const mail = (c: React.ReactNode) => <a href={`mailto:${study.contactEmail}`}>{c}</a>;
  const again = state === "reconsent_pending";
  return (
    <Main width="narrow">
      <PageHeader
        title={localized(study.name, locale)}
        description={
          again
            ? t("leadAgain")
            : state === "consented"
              ? t("leadConsented", { version: current.version })
              : t("leadFirst")
        }
        titleTestId="consent-title"
      />
      <div className="space-y-5">
        {again && (
          <Notice tone="warn" title={t("changesTitle")} data-testid="consent-changes">
            {changes.length > 0 ? (
              changes.map((v) => (
                <div key={v.id}>
                  <p className="font-medium">{t("version", { version: v.version })}</p>
                  <MarkdownText {...text(v.changes)} />
                </div>
              ))
            ) : (
              <p>{t("noChanges")}</p>
            )}
            <p>{t("paused")}</p>
          </Notice>
        )}
        <Panel title={t("about")}>
          <MarkdownText {...text(study.description)} testId="study-description" />
          <p className="mt-3 text-sm text-muted">
            {study.infoUrl
              ? t.rich("questionsOrRead", {
                  email: study.contactEmail,
                  mail,
                  info: (c) => (
                    <a href={study.infoUrl!} rel="noopener noreferrer" target="_blank">
                      {c}
                    </a>
                  ),
                })
              : t.rich("questions", { email: study.contactEmail, mail })}
          </p>
        </Panel>
        <Card className="p-4 sm:p-5" aria-labelledby="consent-text-title">
          <h2 id="consent-text-title" className="text-base font-semibold">
            {t("textTitle", { version: current.version })}
          </h2>
          <MarkdownText {...text(current.text)} className="mt-3 text-sm leading-relaxed" testId="consent-text" />
          <p className="mt-4 text-sm text-muted" data-testid="data-policy">
            {study.dataPolicy === "erase" ? t("policyErase") : t("policyRetain")}
          </p>
        </Card>
        {state === "consented" ? (
          <ButtonLink href="/devices">{t("continue")}</ButtonLink>
        ) : (
          <ConsentForm studyId={study.id} versionId={current.id} version={current.version} again={again} />
        )}
      </div>
    </Main>
  );
}
