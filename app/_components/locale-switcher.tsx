"use client";

import { useLocale, useTranslations } from "next-intl";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { LOCALE_COOKIE, LOCALES, type Locale } from "@/lib/i18n/locales";
import { cn } from "./ui/cn";

/** A year, for the pages before signing in; not secret, so readable by the page. */
function rememberInThisBrowser(locale: Locale) {
  document.cookie = `${LOCALE_COOKIE}=${locale}; path=/; max-age=31536000; samesite=lax`;
}

/**
 * Nederlands | English. The choice is kept in this browser (a cookie, for pages before signing
 * in) and, when signed in, with the account, so every browser and every mail uses it.
 */
export function LocaleSwitcher({ signedIn, className }: { signedIn: boolean; className?: string }) {
  const t = useTranslations("locale");
  const current = useLocale() as Locale;
  const router = useRouter();
  const [error, setError] = useState(false);
  async function choose(locale: Locale) {
    setError(false);
    rememberInThisBrowser(locale);
    if (signedIn) {
      const res = await fetch("/api/v1/me/locale", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ locale }),
      }).catch(() => null);
      if (!res?.ok) setError(true);
    }
    router.refresh();
  }
  return (
    <div role="group" aria-label={t("label")} className={cn("flex items-center gap-1 text-sm", className)}>
      {LOCALES.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          aria-pressed={l === current}
          onClick={() => void choose(l)}
          className={cn(
            "cursor-pointer rounded-md px-2 py-1 text-muted hover:bg-sunken hover:text-fg",
            l === current && "bg-sunken font-medium text-fg",
          )}
        >
          {t(l)}
        </button>
      ))}
      {error && (
        <span role="alert" className="text-danger-text">
          {t("failed")}
        </span>
      )}
    </div>
  );
}
