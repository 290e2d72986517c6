"use client";

import { useLocale, useTranslations } from "next-intl";
import { ApiError } from "../../_components/api";
import { useStaffRefusal } from "../../_components/staff-refusal";

/** The study page's actions whose general refusals have words of their own (staffStudies.refusals.<action>.<code>). */
export type StudyAction = "status" | "intake" | "researchers";

/**
 * A staff study route's refusal in the reader's language. A general code (`conflict`,
 * `invalid_request`) means one thing for some actions (recruiting without a consent text, questions
 * already answered): in Dutch those get the action's own sentence; everything else is worded as
 * on every staff page (useStaffRefusal: the server's English detail, or `problems.<code>.detail`).
 */
export function useStudyRefusal(action?: StudyAction) {
  const t = useTranslations("staffStudies.refusals");
  const locale = useLocale();
  const staffRefusal = useStaffRefusal();
  return (err: unknown): unknown => {
    const key = err instanceof ApiError ? `${action}.${err.code}` : "";
    if (locale !== "en" && action && err instanceof ApiError && t.has(key))
      return new ApiError(err.status, err.code, t(key), err.retryAfterSeconds);
    return staffRefusal(err);
  };
}
