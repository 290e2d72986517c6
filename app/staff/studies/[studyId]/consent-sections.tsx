"use client";

import { useLocale, useTranslations } from "next-intl";
import { useState } from "react";
import { api } from "../../../_components/api";
import { localizedIn } from "../../../_components/localized";
import { MarkdownText } from "../../../_components/markdown";
import { Time } from "../../../_components/time";
import { useAction } from "../../../_components/use-action";
import { Badge } from "../../../_components/ui/badge";
import { Button } from "../../../_components/ui/button";
import { CheckboxField, Field, Textarea } from "../../../_components/ui/field";
import { useStudyRefusal } from "../refusal";
import type { Localized } from "../study-text";
import { Status } from "./section-status";

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
  const t = useTranslations("staffStudies.consent");
  const refusal = useStudyRefusal();
  const { busy, message, run } = useAction();
  const [text, setText] = useState<Localized>(current?.text ?? {});
  const [changes, setChanges] = useState("");
  const [reconsent, setReconsent] = useState(false);
  const makesNew = !current || current.firstShownAt !== null;
  const save = () =>
    run(async () => {
      const body = {
        text: Object.fromEntries(Object.entries(text).filter(([, v]) => v?.trim())),
        ...(makesNew && current && changes.trim() ? { changes: { en: changes.trim() } } : {}),
        requiresReconsent: makesNew && !!current && reconsent,
      };
      const r = await api<{ version: { version: number }; created: boolean }>(
        `/api/v1/staff/studies/${studyId}/consent-versions`,
        { method: "POST", body },
      ).catch((e) => {
        throw refusal(e);
      });
      return t(r.created ? "savedNew" : "updated", { version: r.version.version });
    });
  if (closed) return <p className="text-sm text-muted">{t("closed")}</p>;
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
            ? t("shown", { version: current.version, next: current.version + 1 })
            : t("notShown", { version: current.version })
          : t("none")}{" "}
        {t("mustSay")}
      </p>
      {(["en", "nl"] as const).map((lang) => (
        <div key={lang} className="grid gap-4 lg:grid-cols-2">
          <Field id={`consent-${lang}`} label={t(lang === "en" ? "textEn" : "textNl")}>
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
            <p className="mb-1.5 text-sm font-medium">{t("preview")}</p>
            <div
              className="min-h-24 rounded-md border border-line bg-sunken/40 p-3"
              data-testid={`consent-preview-${lang}`}
              lang={lang}
            >
              {text[lang]?.trim() ? (
                <MarkdownText text={text[lang]!} />
              ) : (
                <p className="text-sm text-muted">{t("empty")}</p>
              )}
            </div>
          </div>
        </div>
      ))}
      {makesNew && current && (
        <div className="space-y-3">
          <Field id="consent-changes" label={t("changes")}>
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
            label={t("reconsent")}
            hint={t("reconsentHint")}
            checked={reconsent}
            onChange={(e) => setReconsent(e.target.checked)}
          />
        </div>
      )}
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" disabled={busy}>
          {t("save")}
        </Button>
        <Status message={message} testId="consent-message" />
      </div>
    </form>
  );
}

/** What changed, in the reader's language or else the other one (marked with its `lang`); null when nothing was written. */
function changed(changes: Localized, locale: string): { text: string; lang?: string } | null {
  const shown = localizedIn(changes, locale === "nl" ? "nl" : "en");
  return shown.text ? { text: shown.text, lang: shown.lang === locale ? undefined : shown.lang } : null;
}

/** Past versions, newest first, each readable. */
export function ConsentHistory({ versions }: { versions: ConsentVersion[] }) {
  const t = useTranslations("staffStudies.consent");
  const locale = useLocale();
  if (versions.length === 0) return <p className="text-sm text-muted">{t("noVersions")}</p>;
  return (
    <ol className="space-y-2" data-testid="consent-versions">
      {[...versions].reverse().map((v) => (
        <li key={v.id} className="rounded-md border border-line">
          <details>
            <summary className="flex cursor-pointer flex-wrap items-center gap-2 px-3 py-2 text-sm">
              <span className="font-medium">{t("version", { version: v.version })}</span>
              <span className="text-muted">{t.rich("saved", { time: () => <Time value={v.createdAt} /> })}</span>
              {v.firstShownAt ? (
                <Badge tone="neutral">{t("fixed")}</Badge>
              ) : (
                <Badge tone="accent">{t("notShownYet")}</Badge>
              )}
              {v.requiresReconsent && <Badge tone="warn">{t("needsConsent")}</Badge>}
            </summary>
            <div className="space-y-3 border-t border-line px-3 py-3">
              {changed(v.changes, locale) && (
                <div>
                  <p className="text-xs font-medium text-muted">{t("whatChanged")}</p>
                  <MarkdownText {...changed(v.changes, locale)!} />
                </div>
              )}
              {(["en", "nl"] as const)
                .filter((l) => v.text[l])
                .map((l) => (
                  <div key={l} lang={l}>
                    <p className="text-xs font-medium text-muted">{t(l === "en" ? "english" : "dutch")}</p>
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
