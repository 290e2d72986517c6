import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getLocale, getTranslations } from "next-intl/server";
import { requireUserPage } from "@/lib/auth/current";
import { AppError } from "@/lib/errors";
import { dashboardRequest, readableStudiesRequest } from "@/lib/studies/api";
import { localized, localizedIn } from "../../_components/localized";
import { MarkdownText } from "../../_components/markdown";
import { StudyDashboard } from "../../_components/study-dashboard";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { STATUS_TONE } from "../../staff/studies/study-text";

export async function generateMetadata(): Promise<Metadata> {
  const t = await getTranslations("research");
  return { title: t("dashboardTitle") };
}

/** One study's dashboard and export for a researcher with a grant (or staff); anyone else gets the 404. */
export default async function ResearchStudyPage({ params }: { params: Promise<{ studyId: string }> }) {
  const { studyId } = await params;
  const me = await requireUserPage(`/research/${encodeURIComponent(studyId)}`);
  const dashboard = await dashboardRequest(me, studyId, {}).catch((err) => {
    if (err instanceof AppError && (err.code === "study_not_found" || err.code === "invalid_request")) notFound();
    throw err;
  });
  const study = (await readableStudiesRequest(me)).studies.find((s) => s.id === studyId);
  if (!study) notFound();
  const [t, locale] = await Promise.all([getTranslations("research"), getLocale()]);
  const about = localizedIn(study.description, locale === "nl" ? "nl" : "en");
  const facts = [
    t("dates", { from: study.startsOn, to: study.endsOn }),
    t("onWithdrawal", { policy: t(`policies.${study.dataPolicy}`) }),
    ...(study.models.length ? [t("models", { models: study.models.join(", ") })] : []),
  ];
  return (
    <Main width="console">
      <PageHeader
        back={{ href: "/research", label: t("title") }}
        title={localized(study.name, locale)}
        badge={<Badge tone={STATUS_TONE[study.status]}>{t(`statuses.${study.status}`)}</Badge>}
        description={facts.join(" · ")}
      />
      <div className="space-y-6">
        <StudyDashboard dashboard={dashboard} studyId={study.id} />
        <Panel title={t("about")}>
          <MarkdownText text={about.text} lang={about.lang} />
        </Panel>
      </div>
    </Main>
  );
}
