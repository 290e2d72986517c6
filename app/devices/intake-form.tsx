"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { localized, type Localized } from "../_components/localized";
import { Button } from "../_components/ui/button";
import { describedBy, Field, Input } from "../_components/ui/field";
import { StatusMessage } from "../_components/ui/status-message";
import type { ActionMessage } from "../_components/use-action";

export type IntakeQuestion = {
  id: string;
  kind: "text" | "number" | "choice";
  label: Localized;
  required: boolean;
  maxLength: number | null;
  unit: string | null;
  min: number | null;
  max: number | null;
  choices: { value: string; label: Localized }[] | null;
  answer: string | null;
};

type T = ReturnType<typeof useTranslations>;

function boundsHint(t: T, q: IntakeQuestion): string | undefined {
  if (q.kind === "number")
    return t("numberHint", { min: q.min ?? "", max: q.max ?? "", unit: q.unit ? ` ${q.unit}` : "" });
  if (q.kind === "text") return t("textHint", { max: q.maxLength ?? 200 });
  return undefined;
}

/**
 * What to change in an answer the server refused, from the question's own kind and bounds (the
 * server's per-question reasons are English words for staff and logs).
 */
function answerProblem(t: T, q: IntakeQuestion): string {
  if (q.kind === "choice") return t("problemChoice");
  if (q.kind === "number")
    return t("problemNumber", { min: q.min ?? "", max: q.max ?? "", unit: q.unit ? ` ${q.unit}` : "" });
  return t("problemText", { max: q.maxLength ?? 200 });
}

/**
 * A study's intake questions (short text, a number with its unit and bounds, one choice). The
 * server checks every answer; a refusal names each question's problem and nothing is saved.
 */
export function IntakeForm({
  studyId,
  questions,
  open,
}: {
  studyId: string;
  questions: IntakeQuestion[];
  open: boolean;
}) {
  const t = useTranslations("devices.intake");
  const locale = useLocale();
  const router = useRouter();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<ActionMessage>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});

  async function save(form: FormData) {
    const answers: Record<string, string | number | null> = {};
    for (const q of questions) {
      const raw = String(form.get(q.id) ?? "").trim();
      if (raw === "") {
        if (q.answer !== null) answers[q.id] = null;
        continue;
      }
      answers[q.id] = q.kind === "number" && /^-?\d+([.,]\d+)?$/.test(raw) ? Number(raw.replace(",", ".")) : raw;
    }
    if (Object.keys(answers).length === 0) {
      setMessage({ kind: "error", text: t("answerOne") });
      return;
    }
    setBusy(true);
    setMessage(null);
    setErrors({});
    try {
      const res = await fetch(`/api/v1/me/studies/${studyId}/intake`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ answers }),
        credentials: "same-origin",
      });
      if (!res.ok) {
        const p = (await res.json().catch(() => ({}))) as {
          code?: string;
          errors?: { path: string; message: string }[];
        };
        const byQuestion: Record<string, string> = {};
        for (const e of p.errors ?? []) {
          const q = questions.find((x) => `answers.${x.id}` === e.path);
          if (q) byQuestion[q.id] = answerProblem(t, q);
        }
        setErrors(byQuestion);
        const refusal = `refusals.${p.code}`;
        setMessage({
          kind: "error",
          text: Object.keys(byQuestion).length ? t("needChange") : t.has(refusal) ? t(refusal) : t("notSaved"),
        });
        return;
      }
      setMessage({ kind: "ok", text: t("saved") });
      router.refresh();
    } catch {
      setMessage({ kind: "error", text: t("network") });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      className="space-y-4"
      data-testid="intake-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save(new FormData(e.currentTarget));
      }}
    >
      {questions.map((q) => {
        const fieldId = `q-${q.id}`;
        const error = errors[q.id];
        const hint = boundsHint(t, q);
        const label = q.required ? localized(q.label, locale) : t("optional", { label: localized(q.label, locale) });
        if (q.kind === "choice")
          return (
            <fieldset
              key={q.id}
              className="space-y-1.5"
              disabled={!open}
              aria-describedby={error ? `${fieldId}-error` : undefined}
            >
              <legend className="text-sm font-medium">{label}</legend>
              {q.choices?.map((c) => (
                <label key={c.value} className="flex items-center gap-2 text-sm">
                  <input
                    type="radio"
                    name={q.id}
                    value={c.value}
                    defaultChecked={q.answer === c.value}
                    className="size-4 accent-accent"
                  />
                  {localized(c.label, locale)}
                </label>
              ))}
              {error && (
                <p id={`${fieldId}-error`} role="alert" className="text-sm text-danger-text">
                  {error}
                </p>
              )}
            </fieldset>
          );
        return (
          <Field key={q.id} id={fieldId} label={label} hint={hint} error={error}>
            <div className="flex items-center gap-2">
              <Input
                id={fieldId}
                name={q.id}
                defaultValue={q.answer ?? ""}
                inputMode={q.kind === "number" ? "decimal" : undefined}
                maxLength={q.kind === "text" ? (q.maxLength ?? 200) : 32}
                aria-invalid={!!error}
                aria-describedby={describedBy(fieldId, { hint, error })}
                disabled={!open}
                className={q.kind === "number" ? "max-w-40" : undefined}
              />
              {q.kind === "number" && q.unit && <span className="text-sm text-muted">{q.unit}</span>}
            </div>
          </Field>
        );
      })}
      {open ? (
        <Button type="submit" disabled={busy}>
          {busy ? t("saving") : t("save")}
        </Button>
      ) : (
        <p className="text-sm text-muted">{t("ended")}</p>
      )}
      <StatusMessage message={message} testId="intake-message" />
    </form>
  );
}
