import type { Metadata } from "next";
import { getLocale, getTranslations } from "next-intl/server";
import { notFound } from "next/navigation";
import { requireStaffPage } from "@/lib/auth/current";
import { canChangeStaffData } from "@/lib/auth/roles";
import { AppError } from "@/lib/errors";
import { dashboardRequest, studyForStaff } from "@/lib/studies/api";
import { localized, localizedIn } from "../../../_components/localized";
import { MarkdownText } from "../../../_components/markdown";
import { StudyDashboard } from "../../../_components/study-dashboard";
import { Panel } from "../../../_components/ui/card";
import { Main } from "../../../_components/ui/main";
import { PageHeader } from "../../../_components/ui/page-header";
import { Tabs } from "../../../_components/ui/tabs";
import { StudyForm } from "../study-form";
import { StudyStatusBadge } from "../study-text";
import { ConsentEditor, ConsentHistory } from "./consent-sections";
import { IntakeEditor, OnboardingEditor, type IntakeQuestion, type OnboardingStep } from "./intake-sections";
import { ResearchersEditor, StatusActions } from "./study-sections";

export async function generateMetadata(): Promise<Metadata> {
  return { title: (await getTranslations("staffStudies.page"))("metaTitle") };
}

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
  const [t, locale] = await Promise.all([getTranslations("staffStudies"), getLocale()]);
  const canChange = canChangeStaffData(me.role);
  const { study } = data;
  const closed = study.status === "ended" || study.status === "archived";
  const current = data.consentVersions[data.consentVersions.length - 1] ?? null;
  const steps: OnboardingStep[] = data.onboardingSteps.map((s) =>
    s.kind === "intake" ? { kind: "intake" } : { kind: "claim_device", model: s.model ?? "", guideUrl: s.guideUrl },
  );
  const shown = localizedIn(study.description, locale === "nl" ? "nl" : "en");
  const description = { text: shown.text, lang: shown.lang === locale ? undefined : shown.lang };
  const readOnly = (what: "status" | "questions" | "checklist" | "access") => (
    <p className="text-sm text-muted">{t(`page.readOnly.${what}`)}</p>
  );
  return (
    <Main width="console">
      <PageHeader
        back={{ href: "/staff/studies", label: t("page.back") }}
        title={localized(study.name, locale)}
        titleTestId="study-name"
        badge={<StudyStatusBadge status={study.status} data-testid="study-status" />}
        description={t("page.summary", {
          starts: study.startsOn,
          ends: study.endsOn,
          policy: t(`policy.${study.dataPolicy}`),
        })}
      />
      <Tabs
        label={t("page.sections")}
        tabs={[
          {
            value: "details",
            label: t("page.tabs.details"),
            content: (
              <div className="space-y-6">
                <Panel title={t("page.statusTitle")} description={t("page.statusFlow")}>
                  {canChange ? <StatusActions studyId={study.id} next={data.nextStatuses} /> : readOnly("status")}
                </Panel>
                <Panel title={t("page.studyPanel")}>
                  {canChange && study.status !== "archived" ? (
                    <StudyForm study={{ ...study, status: study.status }} />
                  ) : (
                    <MarkdownText {...description} />
                  )}
                </Panel>
              </div>
            ),
          },
          {
            value: "consent",
            label: t("page.tabs.consent"),
            content: (
              <div className="space-y-6">
                {canChange && (
                  <Panel title={t("page.consentTitle")}>
                    <ConsentEditor studyId={study.id} current={current} closed={closed} />
                  </Panel>
                )}
                <Panel title={t("page.versionsTitle")} description={t("page.versionsDescription")}>
                  <ConsentHistory versions={data.consentVersions} />
                </Panel>
              </div>
            ),
          },
          {
            value: "intake",
            label: t("page.tabs.intake"),
            content: (
              <Panel title={t("page.intakeTitle")} description={t("page.intakeDescription")}>
                {canChange ? (
                  <IntakeEditor studyId={study.id} questions={data.intakeQuestions.map(asInput)} />
                ) : (
                  readOnly("questions")
                )}
              </Panel>
            ),
          },
          {
            value: "onboarding",
            label: t("page.tabs.onboarding"),
            content: (
              <Panel title={t("page.onboardingTitle")} description={t("page.onboardingDescription")}>
                {canChange ? <OnboardingEditor studyId={study.id} steps={steps} /> : readOnly("checklist")}
              </Panel>
            ),
          },
          {
            value: "researchers",
            label: t("page.tabs.researchers"),
            content: (
              <Panel title={t("page.researchersTitle")} description={t("page.researchersDescription")}>
                {canChange ? (
                  <ResearchersEditor
                    studyId={study.id}
                    researchers={data.researchers}
                    choices={data.researcherChoices}
                  />
                ) : (
                  readOnly("access")
                )}
              </Panel>
            ),
          },
          {
            value: "dashboard",
            label: t("page.tabs.dashboard"),
            content: <StudyDashboard dashboard={dashboard} studyId={study.id} />,
          },
        ]}
      />
    </Main>
  );
}
