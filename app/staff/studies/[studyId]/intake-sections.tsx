"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../../_components/api";
import { useAction } from "../../../_components/use-action";
import { Button } from "../../../_components/ui/button";
import { CheckboxField, Field, Input, Select, Textarea } from "../../../_components/ui/field";
import { localized } from "../../../_components/localized";
import { useStudyRefusal } from "../refusal";
import type { Localized } from "../study-text";
import { Status } from "./section-status";

export type IntakeQuestion =
  | { kind: "text"; label: Localized; required: boolean; maxLength: number }
  | { kind: "number"; label: Localized; required: boolean; unit: string | null; min: number; max: number }
  | { kind: "choice"; label: Localized; required: boolean; choices: { value: string; label: Localized }[] };

/** "value = label" lines into choices. */
function parseChoices(text: string) {
  return text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [value, ...rest] = l.split("=");
      return { value: value.trim(), label: { en: (rest.join("=") || value).trim() } };
    });
}

type Words = ReturnType<typeof useTranslations<"staffStudies.intake">>;

function describeQuestion(q: IntakeQuestion, t: Words, locale: string): string {
  const number = new Intl.NumberFormat(locale);
  if (q.kind === "text") return t("text", { max: q.maxLength });
  if (q.kind === "number")
    return t("number", { min: number.format(q.min), max: number.format(q.max), unit: q.unit ? ` ${q.unit}` : "" });
  return t("choice", { choices: q.choices.map((c) => localized(c.label, locale) || c.value).join(", ") });
}

/** The intake questions, in order: remove one or add one, then save the list (while nobody answered). */
export function IntakeEditor({ studyId, questions: initial }: { studyId: string; questions: IntakeQuestion[] }) {
  const t = useTranslations("staffStudies.intake");
  const locale = useLocale();
  const refusal = useStudyRefusal("intake");
  const { busy, message, run } = useAction();
  const [questions, setQuestions] = useState(initial);
  const [kind, setKind] = useState<IntakeQuestion["kind"]>("number");
  const save = (list: IntakeQuestion[]) =>
    run(async () => {
      await api(`/api/v1/staff/studies/${studyId}/intake-questions`, {
        method: "PUT",
        body: { questions: list },
      }).catch((e) => {
        throw refusal(e);
      });
      setQuestions(list);
      return t("saved", { count: list.length });
    });
  function add(form: FormData) {
    const t = (k: string) => String(form.get(k) ?? "").trim();
    const label: Localized = {};
    if (t("q-label-en")) label.en = t("q-label-en");
    if (t("q-label-nl")) label.nl = t("q-label-nl");
    const required = form.get("q-required") === "on";
    const q: IntakeQuestion =
      kind === "text"
        ? { kind, label, required, maxLength: Number(t("q-max-length") || "200") }
        : kind === "number"
          ? { kind, label, required, unit: t("q-unit") || null, min: Number(t("q-min")), max: Number(t("q-max")) }
          : { kind, label, required, choices: parseChoices(t("q-choices")) };
    void save([...questions, q]);
  }
  return (
    <div className="space-y-4">
      {questions.length === 0 ? (
        <p className="text-sm text-muted">{t("none")}</p>
      ) : (
        <ol className="space-y-2" data-testid="intake-questions">
          {questions.map((q, i) => (
            <li
              key={i}
              className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-line px-3 py-2"
            >
              <div className="min-w-0">
                <p className="text-sm font-medium break-words">
                  {i + 1}. {localized(q.label, locale)}
                </p>
                <p className="text-xs text-muted">
                  {describeQuestion(q, t, locale)}
                  {q.required ? "" : t("optional")}
                </p>
              </div>
              <Button
                variant="ghost"
                size="sm"
                disabled={busy}
                onClick={() => void save(questions.filter((_, j) => j !== i))}
              >
                {t("remove")}
              </Button>
            </li>
          ))}
        </ol>
      )}
      <form
        className="space-y-3 rounded-md border border-dashed border-line-strong p-3"
        onSubmit={(e) => {
          e.preventDefault();
          add(new FormData(e.currentTarget));
        }}
      >
        <p className="text-sm font-semibold">{t("add")}</p>
        <div className="grid gap-3 sm:grid-cols-3">
          <Field id="q-kind" label={t("kind")}>
            <Select id="q-kind" value={kind} onChange={(e) => setKind(e.target.value as IntakeQuestion["kind"])}>
              <option value="number">{t("kinds.number")}</option>
              <option value="text">{t("kinds.text")}</option>
              <option value="choice">{t("kinds.choice")}</option>
            </Select>
          </Field>
          <Field id="q-label-en" label={t("labelEn")}>
            <Input id="q-label-en" name="q-label-en" maxLength={300} />
          </Field>
          <Field id="q-label-nl" label={t("labelNl")}>
            <Input id="q-label-nl" name="q-label-nl" maxLength={300} lang="nl" />
          </Field>
          {kind === "number" && (
            <>
              <Field id="q-unit" label={t("unit")} hint={t("unitHint")}>
                <Input id="q-unit" name="q-unit" maxLength={16} />
              </Field>
              <Field id="q-min" label={t("min")}>
                <Input id="q-min" name="q-min" type="number" step="any" required />
              </Field>
              <Field id="q-max" label={t("max")}>
                <Input id="q-max" name="q-max" type="number" step="any" required />
              </Field>
            </>
          )}
          {kind === "text" && (
            <Field id="q-max-length" label={t("maxLength")}>
              <Input id="q-max-length" name="q-max-length" type="number" min={1} max={2000} defaultValue={200} />
            </Field>
          )}
          {kind === "choice" && (
            <Field id="q-choices" label={t("choices")} hint={t("choicesHint")} className="sm:col-span-2">
              <Textarea id="q-choices" name="q-choices" rows={3} />
            </Field>
          )}
        </div>
        <CheckboxField id="q-required" name="q-required" label={t("required")} defaultChecked />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="secondary" disabled={busy}>
            {t("submit")}
          </Button>
          <Status message={message} testId="intake-message" />
        </div>
      </form>
    </div>
  );
}

export type OnboardingStep = { kind: "claim_device"; model: string; guideUrl: string | null } | { kind: "intake" };

/** The onboarding checklist, in order: remove or add a step, saved at once. */
export function OnboardingEditor({ studyId, steps: initial }: { studyId: string; steps: OnboardingStep[] }) {
  const t = useTranslations("staffStudies.onboarding");
  const refusal = useStudyRefusal();
  const { busy, message, run } = useAction();
  const [steps, setSteps] = useState(initial);
  const [kind, setKind] = useState<OnboardingStep["kind"]>("claim_device");
  const save = (list: OnboardingStep[]) =>
    run(async () => {
      await api(`/api/v1/staff/studies/${studyId}/onboarding-steps`, { method: "PUT", body: { steps: list } }).catch(
        (e) => {
          throw refusal(e);
        },
      );
      setSteps(list);
      return t("saved", { count: list.length });
    });
  return (
    <div className="space-y-4">
      {steps.length === 0 ? (
        <p className="text-sm text-muted">{t("none")}</p>
      ) : (
        <ol className="space-y-2" data-testid="onboarding-steps">
          {steps.map((s, i) => (
            <li
              key={i}
              className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-line px-3 py-2"
            >
              <p className="min-w-0 text-sm break-words">
                {i + 1}. {s.kind === "intake" ? t("answerIntake") : t("claimModel", { model: s.model })}
                {s.kind === "claim_device" && s.guideUrl && (
                  <span className="text-muted">{t("guide", { url: s.guideUrl })}</span>
                )}
              </p>
              <Button
                variant="ghost"
                size="sm"
                disabled={busy}
                onClick={() => void save(steps.filter((_, j) => j !== i))}
              >
                {t("remove")}
              </Button>
            </li>
          ))}
        </ol>
      )}
      <form
        className="flex flex-wrap items-end gap-3 rounded-md border border-dashed border-line-strong p-3"
        onSubmit={(e) => {
          e.preventDefault();
          const f = new FormData(e.currentTarget);
          const t = (k: string) => String(f.get(k) ?? "").trim();
          void save([
            ...steps,
            kind === "intake" ? { kind } : { kind, model: t("step-model"), guideUrl: t("step-guide") || null },
          ]);
        }}
      >
        <Field id="step-kind" label={t("step")}>
          <Select id="step-kind" value={kind} onChange={(e) => setKind(e.target.value as OnboardingStep["kind"])}>
            <option value="claim_device">{t("kinds.claim_device")}</option>
            <option value="intake">{t("kinds.intake")}</option>
          </Select>
        </Field>
        {kind === "claim_device" && (
          <>
            <Field id="step-model" label={t("model")}>
              <Input id="step-model" name="step-model" required pattern="[a-z0-9][a-z0-9\-]{0,63}" />
            </Field>
            <Field id="step-guide" label={t("guideUrl")} hint={t("optional")}>
              <Input id="step-guide" name="step-guide" type="url" />
            </Field>
          </>
        )}
        <Button type="submit" variant="secondary" disabled={busy}>
          {t("submit")}
        </Button>
        <Status message={message} testId="onboarding-message" />
      </form>
    </div>
  );
}
