import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUserPage } from "@/lib/auth/current";
import { AppError } from "@/lib/errors";
import { myConsentScreen } from "@/lib/studies/participant-api";
import { localized } from "../../../_components/localized";
import { MarkdownText } from "../../../_components/markdown";
import { ButtonLink } from "../../../_components/ui/button";
import { Card, Panel } from "../../../_components/ui/card";
import { Main } from "../../../_components/ui/main";
import { Notice } from "../../../_components/ui/notice";
import { PageHeader } from "../../../_components/ui/page-header";
import { ConsentForm } from "./consent-form";

export const metadata: Metadata = { title: "Study consent" };

/**
 * A study's consent screen: its description and the current consent text, and, for someone
 * asked to consent again, what changed first. Opening it marks the version shown (it never
 * changes after). They consent, or (asked again) withdraw instead.
 */
export default async function ConsentPage({ params }: { params: Promise<{ studyId: string }> }) {
  const { studyId } = await params;
  const user = await requireUserPage(`/studies/${encodeURIComponent(studyId)}/consent`);
  const screen = await myConsentScreen(user, studyId).catch((err) => {
    if (err instanceof AppError && err.code === "study_not_found") notFound();
    if (err instanceof AppError && err.code === "study_closed") return null;
    throw err;
  });
  if (!screen)
    return (
      <Main width="narrow">
        <PageHeader title="Study consent" />
        <Notice tone="warn" title="This study is not open">
          There is nothing to consent to right now. The study&apos;s team will tell you when it opens.
        </Notice>
      </Main>
    );
  const { study, state, current, since } = screen;
  const changes = since.filter((v) => localized(v.changes));
  const again = state === "reconsent_pending";
  return (
    <Main width="narrow">
      <PageHeader
        title={localized(study.name)}
        description={
          again
            ? "The study's consent text has changed. Read what changed, then decide."
            : state === "consented"
              ? `You consented to version ${current.version} of this text.`
              : "Read the study's description and consent text. You can claim a device for the study once you consent."
        }
        titleTestId="consent-title"
      />
      <div className="space-y-5">
        {again && (
          <Notice tone="warn" title="What changed" data-testid="consent-changes">
            {changes.length > 0 ? (
              changes.map((v) => (
                <div key={v.id}>
                  <p className="font-medium">Version {v.version}</p>
                  <MarkdownText text={localized(v.changes)} />
                </div>
              ))
            ) : (
              <p>The study&apos;s team did not describe the changes. Read the whole text below.</p>
            )}
            <p>
              Until you decide, no new device can be claimed for the study, and your devices may hold their readings
              back: they keep them and send them once you consent.
            </p>
          </Notice>
        )}
        <Panel title="About the study">
          <MarkdownText text={localized(study.description)} testId="study-description" />
          <p className="mt-3 text-sm text-muted">
            Questions? Write to <a href={`mailto:${study.contactEmail}`}>{study.contactEmail}</a>
            {study.infoUrl && (
              <>
                {" "}
                or read{" "}
                <a href={study.infoUrl} rel="noopener noreferrer" target="_blank">
                  more about the study
                </a>
              </>
            )}
            .
          </p>
        </Panel>
        <Card className="p-4 sm:p-5" aria-labelledby="consent-text-title">
          <h2 id="consent-text-title" className="text-base font-semibold">
            Consent text, version {current.version}
          </h2>
          <MarkdownText text={localized(current.text)} className="mt-3 text-sm leading-relaxed" testId="consent-text" />
          <p className="mt-4 text-sm text-muted" data-testid="data-policy">
            {study.dataPolicy === "erase"
              ? "If you withdraw, your readings, answers and device records in this study are deleted."
              : "If you withdraw, the data collected until then stays in the study, without your name or email; nothing new is collected."}
          </p>
        </Card>
        {state === "consented" ? (
          <ButtonLink href="/devices">Continue to your devices</ButtonLink>
        ) : (
          <ConsentForm studyId={study.id} versionId={current.id} version={current.version} again={again} />
        )}
      </div>
    </Main>
  );
}
