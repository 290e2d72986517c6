"use client";

import { useTranslations } from "next-intl";
import { ApiError } from "../../_components/api";

/**
 * Wraps an owner's action so that a refusal reaches them in their language, chosen by the
 * problem's `code` (docs/i18n.md): the action's own sentence for that code first
 * (`device.refusals.share.not_found`), then the device page's sentence for the code, else a
 * general one, filled in with `values` (what the person typed). The server's English `detail` is
 * never shown.
 */
export function useRefusals() {
  const t = useTranslations("device.refusals");
  return <T>(action: string, fn: () => Promise<T>, values: Record<string, string> = {}) =>
    async (): Promise<T> => {
      try {
        return await fn();
      } catch (err) {
        const code = err instanceof ApiError ? err.code : "other";
        const seconds = err instanceof ApiError ? (err.retryAfterSeconds ?? 60) : 60;
        const key = [`${action}.${code}`, code].find((k) => t.has(k)) ?? "other";
        throw new Error(t(key, { ...values, minutes: Math.max(1, Math.ceil(seconds / 60)) }), { cause: err });
      }
    };
}
