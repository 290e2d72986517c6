// The languages Claimlink speaks (docs/i18n.md): Dutch and English. No node: imports; the browser
// uses this too.

export const LOCALES = ["nl", "en"] as const;
export type Locale = (typeof LOCALES)[number];

/** The cookie that remembers a signed-out person's choice (an account keeps its own). */
export const LOCALE_COOKIE = "claimlink-locale";

export function isLocale(value: unknown): value is Locale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

/** The Intl locale for dates and numbers: Dutch as in the Netherlands, English as in Britain (24-hour, day first). */
export function intlLocale(locale: Locale): string {
  return locale === "nl" ? "nl-NL" : "en-GB";
}

/**
 * The first of our languages an Accept-Language header asks for, by its q-values (`nl-BE`
 * counts as `nl`); null when it asks for none of them.
 */
export function fromAcceptLanguage(header: string | null | undefined): Locale | null {
  if (!header) return null;
  const ranked = header
    .split(",")
    .slice(0, 32)
    .map((part, i) => {
      const [tag, ...params] = part.trim().split(";");
      const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
      const weight = q ? Number(q.slice(2)) : 1;
      return { lang: tag.trim().toLowerCase().split("-")[0], weight: Number.isFinite(weight) ? weight : 0, i };
    })
    .filter((r) => r.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.i - b.i);
  return ranked.map((r) => r.lang).find(isLocale) ?? null;
}

/**
 * The language a person reads: their account's saved choice, else the choice this browser
 * remembers (made before signing in), else what the browser asks for, else the deployment's default.
 */
export function resolveLocale(o: {
  account?: string | null;
  cookie?: string | null;
  acceptLanguage?: string | null;
  fallback: Locale;
}): Locale {
  if (isLocale(o.account)) return o.account;
  if (isLocale(o.cookie)) return o.cookie;
  return fromAcceptLanguage(o.acceptLanguage) ?? o.fallback;
}
