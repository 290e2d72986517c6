"use client";

import { useState } from "react";
import { api } from "../../../_components/api";
import { MarkdownText } from "../../../_components/markdown";
import { Time } from "../../../_components/time";
import { useStaffAction } from "../../../_components/use-staff-action";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { ConfirmDialog } from "../../../_components/ui/confirm-dialog";
import { CheckboxField, Field, Input, Select, Textarea } from "../../../_components/ui/field";
import { STATUS_ACTION, type Localized, type StudyStatus } from "../study-text";

type Message = { kind: "ok" | "error"; text: string } | null;

function Status({ message, testId }: { message: Message; testId: string }) {
  return (
    <div role="status" className="basis-full text-sm">
      {message && (
        <p className={message.kind === "error" ? "text-danger-text" : "text-ok-text"} data-testid={testId}>
          {message.text}
        </p>
      )}
    </div>
  );
}

/** The status changes the study may make next, each confirmed. */
export function StatusActions({ studyId, next }: { studyId: string; next: StudyStatus[] }) {
  const { busy, message, run } = useStaffAction();
  if (next.length === 0) return <p className="text-sm text-muted">An archived study changes no more.</p>;
  return (
    <div className="flex flex-wrap items-center gap-2">
      {next.map((status) => (
        <ConfirmDialog
          key={status}
          trigger={
            <Button
              variant={status === "ended" || status === "archived" ? "danger-outline" : "secondary"}
              disabled={!!busy}
            >
              {STATUS_ACTION[status]}
            </Button>
          }
          title={`${STATUS_ACTION[status]}?`}
          description={
            status === "recruiting" || status === "running"
              ? "People can then be invited, consent and claim devices for this study."
              : status === "ended"
                ? "Nothing new is joined or claimed and intake answers no longer change. Exports still work."
                : "Nothing about the study changes any more."
          }
          confirmLabel={STATUS_ACTION[status]}
          cancelLabel="Cancel"
          onConfirm={() =>
            run(status, async () => {
              await api(`/api/v1/staff/studies/${studyId}/status`, { method: "POST", body: { status } });
              return `The study is now ${status}.`;
            })
          }
        />
      ))}
      <Status message={message} testId="status-message" />
    </div>
  );
}

export type ConsentVersion = {
  id: string;
  version: number;
  text: Localized;
  changes: Localized;
  requiresReconsent: boolean;
  createdAt: string | Date;
  firstShownAt: string | Date | null;
};

/**
 * The consent text editor: Markdown per language with a safe preview. Saving an unshown version
 * edits it; once shown, saving makes a new version, and staff say whether it needs consent again.
 */
export function ConsentEditor({
  studyId,
  current,
  closed,
}: {
  studyId: string;
  current: ConsentVersion | null;
  closed: boolean;
}) {
  const { busy, message, run } = useStaffAction();
  const [text, setText] = useState<Localized>(current?.text ?? {});
  const [changes, setChanges] = useState("");
  const [reconsent, setReconsent] = useState(false);
  const makesNew = !current || current.firstShownAt !== null;
  const save = () =>
    run("consent", async () => {
      const body = {
        text: Object.fromEntries(Object.entries(text).filter(([, v]) => v?.trim())),
        ...(makesNew && current && changes.trim() ? { changes: { en: changes.trim() } } : {}),
        requiresReconsent: makesNew && !!current && reconsent,
      };
      const r = await api<{ version: { version: number }; created: boolean }>(
        `/api/v1/staff/studies/${studyId}/consent-versions`,
        { method: "POST", body },
      );
      return r.created ? `Saved as version ${r.version.version}.` : `Version ${r.version.version} updated.`;
    });
  if (closed) return <p className="text-sm text-muted">The consent text of an ended study cannot change.</p>;
  return (
    <form
      className="space-y-4"
      data-testid="consent-editor"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <p className="text-sm text-muted">
        {current
          ? current.firstShownAt
            ? `Version ${current.version} has been shown to participants: saving makes version ${current.version + 1}.`
            : `Version ${current.version} has not been shown to anyone yet: saving changes it.`
          : "No consent text yet: the study cannot recruit without one."}{" "}
        It must say what happens to a participant&apos;s data when they withdraw.
      </p>
      {(["en", "nl"] as const).map((lang) => (
        <div key={lang} className="grid gap-4 lg:grid-cols-2">
          <Field id={`consent-${lang}`} label={`Consent text (${lang === "en" ? "English" : "Dutch"}, Markdown)`}>
            <Textarea
              id={`consent-${lang}`}
              rows={10}
              maxLength={20000}
              lang={lang}
              value={text[lang] ?? ""}
              onChange={(e) => setText({ ...text, [lang]: e.target.value })}
            />
          </Field>
          <div className="min-w-0">
            <p className="mb-1.5 text-sm font-medium">Preview</p>
            <div
              className="min-h-24 rounded-md border border-line bg-sunken/40 p-3"
              data-testid={`consent-preview-${lang}`}
              lang={lang}
            >
              {text[lang]?.trim() ? <MarkdownText text={text[lang]!} /> : <p className="text-sm text-muted">Empty.</p>}
            </div>
          </div>
        </div>
      ))}
      {makesNew && current && (
        <div className="space-y-3">
          <Field id="consent-changes" label="What changed (shown to participants asked again)">
            <Textarea
              id="consent-changes"
              rows={3}
              maxLength={4000}
              value={changes}
              onChange={(e) => setChanges(e.target.value)}
            />
          </Field>
          <CheckboxField
            id="consent-reconsent"
            label="Participants must consent again"
            hint="For a change that matters to them: new measurements, a longer study, other researchers."
            checked={reconsent}
            onChange={(e) => setReconsent(e.target.checked)}
          />
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={!!busy}>
          Save the consent text
        </Button>
        <Status message={message} testId="consent-message" />
      </div>
    </form>
  );
}

/** Past versions, newest first, each readable. */
export function ConsentHistory({ versions }: { versions: ConsentVersion[] }) {
  if (versions.length === 0) return <p className="text-sm text-muted">No versions yet.</p>;
  return (
    <ol className="space-y-2" data-testid="consent-versions">
      {[...versions].reverse().map((v) => (
        <li key={v.id} className="rounded-md border border-line">
          <details>
            <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-2 text-sm">
              <span className="font-medium">Version {v.version}</span>
              <span className="text-muted">
                saved <Time value={v.createdAt} />
              </span>
              {v.firstShownAt ? <Badge tone="neutral">shown, fixed</Badge> : <Badge tone="accent">not shown yet</Badge>}
              {v.requiresReconsent && <Badge tone="warn">needs consent again</Badge>}
            </summary>
            <div className="space-y-3 border-t border-line px-3 py-3">
              {(v.changes.en ?? v.changes.nl) && (
                <div>
                  <p className="text-xs font-medium text-muted">What changed</p>
                  <MarkdownText text={v.changes.en ?? v.changes.nl ?? ""} />
                </div>
              )}
              {(["en", "nl"] as const)
                .filter((l) => v.text[l])
                .map((l) => (
                  <div key={l} lang={l}>
                    <p className="text-xs font-medium text-muted">{l === "en" ? "English" : "Dutch"}</p>
                    <MarkdownText text={v.text[l]!} />
                  </div>
                ))}
            </div>
          </details>
        </li>
      ))}
    </ol>
  );
}

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

function describeQuestion(q: IntakeQuestion): string {
  if (q.kind === "text") return `text, at most ${q.maxLength} characters`;
  if (q.kind === "number") return `number ${q.min} to ${q.max}${q.unit ? ` ${q.unit}` : ""}`;
  return `one of: ${q.choices.map((c) => c.label.en ?? c.label.nl ?? c.value).join(", ")}`;
}

/** The intake questions, in order: remove one or add one, then save the list (while nobody answered). */
export function IntakeEditor({ studyId, questions: initial }: { studyId: string; questions: IntakeQuestion[] }) {
  const { busy, message, run } = useStaffAction();
  const [questions, setQuestions] = useState(initial);
  const [kind, setKind] = useState<IntakeQuestion["kind"]>("number");
  const save = (list: IntakeQuestion[]) =>
    run("intake", async () => {
      await api(`/api/v1/staff/studies/${studyId}/intake-questions`, { method: "PUT", body: { questions: list } });
      setQuestions(list);
      return `Saved ${list.length} question${list.length === 1 ? "" : "s"}.`;
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
        <p className="text-sm text-muted">No intake questions.</p>
      ) : (
        <ol className="space-y-2" data-testid="intake-questions">
          {questions.map((q, i) => (
            <li
              key={i}
              className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-line px-3 py-2"
            >
              <div className="min-w-0">
                <p className="text-sm font-medium break-words">
                  {i + 1}. {q.label.en ?? q.label.nl}
                </p>
                <p className="text-xs text-muted">
                  {describeQuestion(q)}
                  {q.required ? "" : " · optional"}
                </p>
              </div>
              <Button
                variant="ghost"
                size="sm"
                disabled={!!busy}
                onClick={() => void save(questions.filter((_, j) => j !== i))}
              >
                Remove
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
        <p className="text-sm font-semibold">Add a question</p>
        <div className="grid gap-3 sm:grid-cols-3">
          <Field id="q-kind" label="Kind">
            <Select id="q-kind" value={kind} onChange={(e) => setKind(e.target.value as IntakeQuestion["kind"])}>
              <option value="number">number</option>
              <option value="text">short text</option>
              <option value="choice">single choice</option>
            </Select>
          </Field>
          <Field id="q-label-en" label="Question (English)">
            <Input id="q-label-en" name="q-label-en" maxLength={300} />
          </Field>
          <Field id="q-label-nl" label="Question (Dutch)">
            <Input id="q-label-nl" name="q-label-nl" maxLength={300} lang="nl" />
          </Field>
          {kind === "number" && (
            <>
              <Field id="q-unit" label="Unit" hint="Optional, e.g. m2.">
                <Input id="q-unit" name="q-unit" maxLength={16} />
              </Field>
              <Field id="q-min" label="Minimum">
                <Input id="q-min" name="q-min" type="number" step="any" required />
              </Field>
              <Field id="q-max" label="Maximum">
                <Input id="q-max" name="q-max" type="number" step="any" required />
              </Field>
            </>
          )}
          {kind === "text" && (
            <Field id="q-max-length" label="Longest answer (characters)">
              <Input id="q-max-length" name="q-max-length" type="number" min={1} max={2000} defaultValue={200} />
            </Field>
          )}
          {kind === "choice" && (
            <Field id="q-choices" label="Choices" hint="One per line: value = label" className="sm:col-span-2">
              <Textarea id="q-choices" name="q-choices" rows={3} />
            </Field>
          )}
        </div>
        <CheckboxField id="q-required" name="q-required" label="An answer is required" defaultChecked />
        <div className="flex flex-wrap items-center gap-3">
          <Button type="submit" variant="secondary" disabled={!!busy}>
            Add the question
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
  const { busy, message, run } = useStaffAction();
  const [steps, setSteps] = useState(initial);
  const [kind, setKind] = useState<OnboardingStep["kind"]>("claim_device");
  const save = (list: OnboardingStep[]) =>
    run("steps", async () => {
      await api(`/api/v1/staff/studies/${studyId}/onboarding-steps`, { method: "PUT", body: { steps: list } });
      setSteps(list);
      return `Saved ${list.length} step${list.length === 1 ? "" : "s"}.`;
    });
  return (
    <div className="space-y-4">
      {steps.length === 0 ? (
        <p className="text-sm text-muted">No steps: participants see no checklist.</p>
      ) : (
        <ol className="space-y-2" data-testid="onboarding-steps">
          {steps.map((s, i) => (
            <li
              key={i}
              className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-line px-3 py-2"
            >
              <p className="min-w-0 text-sm break-words">
                {i + 1}. {s.kind === "intake" ? "Answer the intake questions" : `Claim your ${s.model}`}
                {s.kind === "claim_device" && s.guideUrl && <span className="text-muted"> · guide: {s.guideUrl}</span>}
              </p>
              <Button
                variant="ghost"
                size="sm"
                disabled={!!busy}
                onClick={() => void save(steps.filter((_, j) => j !== i))}
              >
                Remove
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
        <Field id="step-kind" label="Step">
          <Select id="step-kind" value={kind} onChange={(e) => setKind(e.target.value as OnboardingStep["kind"])}>
            <option value="claim_device">claim a device</option>
            <option value="intake">answer the intake questions</option>
          </Select>
        </Field>
        {kind === "claim_device" && (
          <>
            <Field id="step-model" label="Model">
              <Input id="step-model" name="step-model" required pattern="[a-z0-9][a-z0-9\-]{0,63}" />
            </Field>
            <Field id="step-guide" label="Install guide URL" hint="Optional.">
              <Input id="step-guide" name="step-guide" type="url" />
            </Field>
          </>
        )}
        <Button type="submit" variant="secondary" disabled={!!busy}>
          Add the step
        </Button>
        <Status message={message} testId="onboarding-message" />
      </form>
    </div>
  );
}

/** Researchers with access, and granting a researcher account access. */
export function ResearchersEditor({
  studyId,
  researchers,
  choices,
}: {
  studyId: string;
  researchers: { userId: string; email: string; name: string; grantedAt: string | Date }[];
  choices: { id: string; email: string; name: string }[];
}) {
  const { busy, message, run } = useStaffAction();
  const granted = new Set(researchers.map((r) => r.userId));
  const open = choices.filter((c) => !granted.has(c.id));
  return (
    <div className="space-y-4">
      {researchers.length === 0 ? (
        <p className="text-sm text-muted">No researcher has access yet.</p>
      ) : (
        <ul className="space-y-2" data-testid="researchers">
          {researchers.map((r) => (
            <li
              key={r.userId}
              className="flex flex-wrap items-center justify-between gap-2 rounded-md border border-line px-3 py-2"
            >
              <div className="min-w-0 text-sm">
                <p className="font-medium break-words">{r.name}</p>
                <p className="text-xs break-all text-muted">
                  {r.email} · since <Time value={r.grantedAt} />
                </p>
              </div>
              <Button
                variant="danger-outline"
                size="sm"
                disabled={!!busy}
                onClick={() =>
                  void run(r.userId, async () => {
                    await api(`/api/v1/staff/studies/${studyId}/researchers/${r.userId}`, { method: "DELETE" });
                    return `${r.name} no longer has access.`;
                  })
                }
              >
                End access
              </Button>
            </li>
          ))}
        </ul>
      )}
      {open.length === 0 ? (
        <p className="text-sm text-muted">
          To add one, invite an account with the researcher role (Accounts), then grant it here.
        </p>
      ) : (
        <form
          className="flex flex-wrap items-end gap-3"
          onSubmit={(e) => {
            e.preventDefault();
            const userId = String(new FormData(e.currentTarget).get("researcher"));
            void run("grant", async () => {
              await api(`/api/v1/staff/studies/${studyId}/researchers`, { method: "POST", body: { userId } });
              return "Access granted.";
            });
          }}
        >
          <Field id="researcher" label="Researcher account">
            <Select id="researcher" name="researcher">
              {open.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.name} ({c.email})
                </option>
              ))}
            </Select>
          </Field>
          <Button type="submit" variant="secondary" disabled={!!busy}>
            Grant access
          </Button>
        </form>
      )}
      <Status message={message} testId="researchers-message" />
    </div>
  );
}
