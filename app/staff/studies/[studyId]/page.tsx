import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { dashboardRequest, studyForStaff } from "@/lib/studies/api";
import { MarkdownText } from "../../../_components/markdown";
import { StudyDashboard } from "../../../_components/study-dashboard";
import { Badge } from "../../../_components/ui/badge";
import { Panel } from "../../../_components/ui/card";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { Tabs } from "../../../_components/ui/tabs";
import { StudyForm } from "../study-form";
import { STATUS_TONE, studyName } from "../study-text";
import { ConsentEditor, ConsentHistory } from "./consent-sections";
import { IntakeEditor, OnboardingEditor, type IntakeQuestion, type OnboardingStep } from "./intake-sections";
import { ResearchersEditor, StatusActions } from "./study-sections";

export const metadata: Metadata = { title: "Study" };

/** An intake question as stored, back into the shape the editor sends. */
function asInput(q: Awaited<ReturnType<typeof studyForStaff>>["intakeQuestions"][number]): IntakeQuestion {
  if (q.kind === "text") return { kind: "text", label: q.label, required: q.required, maxLength: q.maxLength ?? 200 };
  if (q.kind === "number")
    return { kind: "number", label: q.label, required: q.required, unit: q.unit, min: q.min ?? 0, max: q.max ?? 0 };
  return { kind: "choice", label: q.label, required: q.required, choices: q.choices ?? [] };
}

export default async function StudyPage({ params }: { params: Promise<{ studyId: string }> }) {
  const { studyId } = await params;
  const me = await requireStaffPage(`/staff/studies/${encodeURIComponent(studyId)}`);
  const data = await studyForStaff(studyId).catch((err) => {
    if (err instanceof AppError && err.code === "study_not_found") notFound();
    throw err;
  });
  const dashboard = await dashboardRequest(me, studyId, {});
  const canChange = canChangeStaffData(me.role);
  const { study } = data;
  const closed = study.status === "ended" || study.status === "archived";
  const current = data.consentVersions[data.consentVersions.length - 1] ?? null;
  const steps: OnboardingStep[] = data.onboardingSteps.map((s) =>
    s.kind === "intake" ? { kind: "intake" } : { kind: "claim_device", model: s.model ?? "", guideUrl: s.guideUrl },
  );
  const readOnly = (what: string) => (
    <p className="text-sm text-muted">Support accounts read {what}; staff change it.</p>
  );
  return (
    <Main width="console">
      <PageHeader
        back={{ href: "/staff/studies", label: "Studies" }}
        title={studyName(study.name)}
        titleTestId="study-name"
        badge={
          <Badge tone={STATUS_TONE[study.status]} data-testid="study-status">
            {study.status}
          </Badge>
        }
        description={`${study.startsOn} – ${study.endsOn} (UTC) · data on withdrawal: ${study.dataPolicy}`}
      />
      <Tabs
        label="Study sections"
        tabs={[
          {
            value: "details",
            label: "Details",
            content: (
              <div className="space-y-6">
                <Panel title="Status" description="draft → recruiting ⇄ running → ended → archived">
                  {canChange ? <StatusActions studyId={study.id} next={data.nextStatuses} /> : readOnly("the status")}
                </Panel>
                <Panel title="The study">
                  {canChange && study.status !== "archived" ? (
                    <StudyForm study={{ ...study, status: study.status }} />
                  ) : (
                    <MarkdownText text={study.description.en ?? study.description.nl ?? ""} />
                  )}
                </Panel>
              </div>
            ),
          },
          {
            value: "consent",
            label: "Consent",
            content: (
              <div className="space-y-6">
                {canChange && (
                  <Panel title="Consent text">
                    <ConsentEditor studyId={study.id} current={current} closed={closed} />
                  </Panel>
                )}
                <Panel title="Versions" description="A version shown to a participant never changes.">
                  <ConsentHistory versions={data.consentVersions} />
                </Panel>
              </div>
            ),
          },
          {
            value: "intake",
            label: "Intake",
            content: (
              <Panel
                title="Intake questions"
                description="Answered once, editable by the participant until the study ends."
              >
                {canChange ? (
                  <IntakeEditor studyId={study.id} questions={data.intakeQuestions.map(asInput)} />
                ) : (
                  readOnly("the questions")
                )}
              </Panel>
            ),
          },
          {
            value: "onboarding",
            label: "Onboarding",
            content: (
              <Panel
                title="Onboarding checklist"
                description="What participants see with their progress on their devices page."
              >
                {canChange ? <OnboardingEditor studyId={study.id} steps={steps} /> : readOnly("the checklist")}
              </Panel>
            ),
          },
          {
            value: "researchers",
            label: "Researchers",
            content: (
              <Panel
                title="Researchers"
                description="They see the dashboard and the export, pseudonymous, and change nothing."
              >
                {canChange ? (
                  <ResearchersEditor
                    studyId={study.id}
                    researchers={data.researchers}
                    choices={data.researcherChoices}
                  />
                ) : (
                  readOnly("who has access")
                )}
              </Panel>
            ),
          },
          {
            value: "dashboard",
            label: "Dashboard",
            content: <StudyDashboard dashboard={dashboard} studyId={study.id} />,
          },
        ]}
      />
    </Main>
  );
}
