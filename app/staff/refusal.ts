"use client";

import { useLocale, useTranslations } from "next-intl";
import { ApiError } from "../_components/api";

/**
 * The words for a refusal on a staff page (docs/i18n.md): staff routes answer in English with a
 * specific detail, which an English page shows as it is; a Dutch page shows the catalog's sentence
 * for the problem's `code` (`problems.<code>.detail`), else that detail.
 */
export function useStaffRefusal() {
  const locale = useLocale();
  const problems = useTranslations("problems");
  const t = useTranslations("staffConsole");
  return (err: unknown): string => {
    if (!(err instanceof Error)) return t("somethingWrong");
    if (locale !== "en" && err instanceof ApiError && problems.has(`${err.code}.detail`))
      return problems(`${err.code}.detail`);
    return err.message;
  };
}
