import type { Locale } from "@/lib/i18n/locales";

// A study's texts are stored per language (nl, en) and either may be empty: a reader gets their
// own language, else the other one. Without a language, English first (pages not yet translated).

export type Localized = { nl?: string; en?: string };

/** The text in `locale`, else in the other language, else "". */
export function localized(t: Localized | null | undefined, locale: Locale | string = "en"): string {
  return localizedIn(t, locale === "nl" ? "nl" : "en").text;
}

/** As `localized`, with the language the text is in (for a `lang` attribute when it falls back). */
export function localizedIn(t: Localized | null | undefined, locale: Locale): { text: string; lang: Locale } {
  const other: Locale = locale === "nl" ? "en" : "nl";
  const own = t?.[locale];
  if (own?.trim()) return { text: own, lang: locale };
  const fallback = t?.[other];
  if (fallback?.trim()) return { text: fallback, lang: other };
  return { text: "", lang: locale };
}
