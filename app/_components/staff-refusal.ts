"use client";

import { useLocale, useTranslations } from "next-intl";
import { ApiError } from "./api";
import { useAction } from "./use-action";

// Staff routes answer in English with a specific detail (docs/i18n.md). In English a staff page
// shows that detail; in another language it shows the catalog's sentence for the problem's
// code (`problems.<code>.detail`), except for the general codes, whose server detail says more
// than the general sentence would (which field, what changed).
const GENERAL = new Set(["invalid_request", "conflict", "not_found", "forbidden", "internal_error"]);

/** An error in the reader's language where the catalog words its code, else the error as it is. */
export function useStaffRefusal() {
  const locale = useLocale();
  const t = useTranslations("problems");
  return (err: unknown): unknown => {
    if (locale === "en" || !(err instanceof ApiError) || GENERAL.has(err.code)) return err;
    return t.has(`${err.code}.detail`) ? new ApiError(err.status, err.code, t(`${err.code}.detail`)) : err;
  };
}

/** useAction whose refusals are shown as useStaffRefusal words them. */
export function useStaffAction(options?: Parameters<typeof useAction>[0]) {
  const action = useAction(options);
  const refusal = useStaffRefusal();
  const run = (fn: () => Promise<string | void>) =>
    action.run(() =>
      fn().catch((err: unknown) => {
        throw refusal(err);
      }),
    );
  return { ...action, run };
}
