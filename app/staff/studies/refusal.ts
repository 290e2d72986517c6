"use client";

import { useLocale, useTranslations } from "next-intl";
import { ApiError } from "../../_components/api";

/** The study page's actions whose refusals have Dutch words of their own (staffStudies.refusals.<action>.<code>). */
export type StudyAction = "status" | "intake" | "researchers";

/**
 * The words for a refusal of a staff study route. English: the server's own, specific detail
 * (staff routes answer English problem+json). Dutch: the action's words for the `code`, else the
 * code's, else the server's detail, since a specific English sentence beats a vague Dutch one.
 * Returns an Error, for useAction (or a ConfirmDialog) to show: `api(...).catch((e) => { throw refusal(e); })`.
 */
export function useStudyRefusal(action?: StudyAction) {
  const t = useTranslations("staffStudies.refusals");
  const locale = useLocale();
  return (err: unknown): Error => {
    if (!(err instanceof ApiError)) return err instanceof Error ? err : new Error(t("other"));
    if (locale !== "nl") return err;
    const minutes = Math.max(1, Math.ceil((err.retryAfterSeconds ?? 60) / 60));
    const key = action && t.has(`${action}.${err.code}`) ? `${action}.${err.code}` : err.code;
    return new Error(t.has(key) ? t(key, { minutes }) : err.message);
  };
}
