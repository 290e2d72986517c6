import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireUserPage } from "@/lib/auth/current";
import { AppError } from "@/lib/errors";
import { dashboardRequest, readableStudiesRequest } from "@/lib/studies/api";
import { MarkdownText } from "../../_components/markdown";
import { StudyDashboard } from "../../_components/study-dashboard";
import { Badge } from "../../_components/ui/badge";
import { Panel } from "../../_components/ui/card";
import { Main } from "../../_components/ui/main";
import { PageHeader } from "../../_components/ui/page-header";
import { STATUS_TONE, studyName } from "../../staff/studies/study-text";

export const metadata: Metadata = { title: "Study dashboard" };

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
  return (
    <Main width="console">
      <PageHeader
        back={{ href: "/research", label: "Your studies" }}
        title={studyName(study.name)}
        badge={<Badge tone={STATUS_TONE[study.status]}>{study.status}</Badge>}
        description={`${study.startsOn} – ${study.endsOn} (UTC) · data on withdrawal: ${study.dataPolicy}${
          study.models.length ? ` · models: ${study.models.join(", ")}` : ""
        }`}
      />
      <div className="space-y-6">
        <StudyDashboard dashboard={dashboard} studyId={study.id} />
        <Panel title="About the study">
          <MarkdownText text={study.description.en ?? study.description.nl ?? ""} />
        </Panel>
      </div>
    </Main>
  );
}
