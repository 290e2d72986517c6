import { CheckCircle2, Circle } from "lucide-react";
import { useLocale, useTranslations } from "next-intl";
import type { MyStudyOverview } from "@/lib/studies/participant";
import { localized } from "../_components/localized";
import { ButtonLink } from "../_components/ui/button";
import { Panel } from "../_components/ui/card";
import { IntakeForm } from "./intake-form";

/** A study's onboarding checklist with the participant's progress, and its intake questions. */
export function StudyChecklist({ study }: { study: MyStudyOverview }) {
  const t = useTranslations("devices.checklist");
  const locale = useLocale();
  const steps = study.onboarding;
  const done = steps.filter((s) => s.done).length;
  return (
    <Panel
      title={localized(study.name, locale)}
      description={steps.length ? t("stepsDone", { done, total: steps.length }) : undefined}
      data-testid="study-checklist"
      data-study-id={study.studyId}
      level={3}
    >
      {study.state === "reconsent_pending" || study.state === "not_consented" ? (
        <div className="flex flex-wrap items-center gap-3 text-sm">
          <p>{study.state === "reconsent_pending" ? t("reconsent") : t("notConsented")}</p>
          <ButtonLink href={`/studies/${study.studyId}/consent`} size="sm">
            {t("readConsent")}
          </ButtonLink>
        </div>
      ) : steps.length === 0 ? (
        <p className="text-sm text-muted">{t("nothingToDo")}</p>
      ) : (
        <ol className="space-y-2">
          {steps.map((s) => (
            <li key={s.position} className="flex items-start gap-2.5 text-sm" data-step={s.kind} data-done={s.done}>
              {s.done ? (
                <CheckCircle2 aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-ok" />
              ) : (
                <Circle aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-muted" />
              )}
              <span className="min-w-0">
                <span className="sr-only">{s.done ? t("done") : t("toDo")} </span>
                {s.kind === "claim_device" ? (
                  <>
                    {t.rich("claimModel", { model: s.model ?? "", strong: (c) => <strong>{c}</strong> })}
                    {s.guideUrl && (
                      <>
                        {" "}
                        {t.rich("guide", {
                          a: (c) => (
                            <a href={s.guideUrl ?? undefined} rel="noopener noreferrer" target="_blank">
                              {c}
                            </a>
                          ),
                        })}
                      </>
                    )}
                  </>
                ) : (
                  t("answerIntake")
                )}
              </span>
            </li>
          ))}
        </ol>
      )}
      {study.state === "consented" && study.intake.length > 0 && (
        <details
          className="mt-4 rounded-md border border-line px-3 py-2"
          open={!steps.find((s) => s.kind === "intake")?.done}
        >
          <summary className="cursor-pointer text-sm font-medium">{t("intakeTitle")}</summary>
          <div className="mt-3">
            <IntakeForm
              studyId={study.studyId}
              open={study.answersOpen}
              questions={study.intake.map((q) => ({
                id: q.id,
                kind: q.kind,
                label: q.label,
                required: q.required,
                maxLength: q.maxLength,
                unit: q.unit,
                min: q.min,
                max: q.max,
                choices: q.choices,
                answer: q.answer,
              }))}
            />
          </div>
        </details>
      )}
    </Panel>
  );
}
