"use client";

import { useLocale, useTranslations } from "next-intl";
import { ApiError } from "./api";

// Staff routes answer in English with a specific detail (docs/i18n.md). In English a page shows
// that detail; in another language it shows the catalog's sentence for the problem's code
// (`problems.<code>.detail`), except for the general codes, whose server detail says more than
// the general sentence would (which field, what changed). Routes that answer in the reader's
// language already (docs/i18n.md "Problem answers") give the same sentence either way.
const GENERAL = new Set(["invalid_request", "conflict", "not_found", "forbidden", "internal_error"]);

/** An error in the reader's language where the catalog words its code, else the error as it is. */
export function useStaffRefusal() {
  const locale = useLocale();
  const t = useTranslations("problems");
  const retry = useTranslations("error");
  return (err: unknown): unknown => {
    if (locale === "en" || !(err instanceof ApiError) || GENERAL.has(err.code)) return err;
    const worded = (text: string) => new ApiError(err.status, err.code, text, err.retryAfterSeconds);
    // A wait the server names is worth more than the general sentence: "Te veel pogingen. Probeer het over 2 minuten opnieuw."
    if (err.code === "rate_limited" && err.retryAfterSeconds !== undefined) {
      const minutes = Math.max(1, Math.ceil(err.retryAfterSeconds / 60));
      return worded(`${t("rate_limited.title")}. ${retry("retryIn", { minutes })}`);
    }
    return t.has(`${err.code}.detail`) ? worded(t(`${err.code}.detail`)) : err;
  };
}

/** The words a person reads for a refusal: as `useStaffRefusal` words it, else a general sentence. */
export function useRefusalText() {
  const refusal = useStaffRefusal();
  const t = useTranslations("error");
  return (err: unknown): string => {
    const worded = refusal(err);
    return worded instanceof Error ? worded.message : t("title");
  };
}
