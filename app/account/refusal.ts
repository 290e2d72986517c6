"use client";

import { useTranslations } from "next-intl";
import { ApiError } from "../_components/api";

/** The account forms whose refusals have words of their own (account.refusals.<form>.<code>). */
export type RefusalForm = "name" | "password" | "delete" | "twoFactor" | "tokens" | "withdraw";

/**
 * The words for a refusal, chosen by the problem's `code` (docs/i18n.md), never the server's
 * English detail: the form's own words for that code, else the words for the code, else a
 * general "that did not work". Returns an Error, so a ConfirmDialog shows it as it shows any.
 */
export function useRefusal(form?: RefusalForm) {
  const t = useTranslations("account.refusals");
  return (err: unknown): Error => {
    const code = err instanceof ApiError ? err.code : "other";
    const minutes = Math.max(1, Math.ceil((err instanceof ApiError ? (err.retryAfterSeconds ?? 60) : 60) / 60));
    const key = form && t.has(`${form}.${code}`) ? `${form}.${code}` : t.has(code) ? code : "other";
    return new Error(t(key, { minutes }));
  };
}
