import { cookies, headers } from "next/headers";
import { cache } from "react";
import { getCurrentUser } from "../lib/auth/current";
import { env } from "../lib/env";
import { LOCALE_COOKIE, resolveLocale, type Locale } from "../lib/i18n/locales";

/** The language of this request's pages (lib/i18n/locales.ts `resolveLocale`), once per request. */
export const requestLocale = cache(async (): Promise<Locale> => {
  const [user, jar, h] = await Promise.all([getCurrentUser(), cookies(), headers()]);
  return resolveLocale({
    account: user?.locale,
    cookie: jar.get(LOCALE_COOKIE)?.value,
    acceptLanguage: h.get("accept-language"),
    fallback: env().CLAIMLINK_DEFAULT_LOCALE,
  });
});
