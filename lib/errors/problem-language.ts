import nl from "../../messages/nl.json";
import { env } from "../env";
import { LOCALE_COOKIE, resolveLocale, type Locale } from "../i18n/locales";
import { AppError } from "./app-error";

// The human `title` and `detail` of a problem answered to a person's browser, in their language
// (docs/i18n.md): Dutch from messages/nl.json `problems.<code>`; English keeps the server's own,
// more specific words. The `code`, the status and the `errors` list stay the same in every
// language; device-facing routes never come here (devices branch on `code`, in English).

type Texts = { title: string; detail: string };
const DUTCH = (nl as unknown as { problems: Partial<Record<string, Texts>> }).problems;

class TranslatedError extends AppError {
  readonly #title: string;
  constructor(base: AppError, texts: Texts) {
    super(base.code, texts.detail, base.extra);
    this.#title = texts.title;
  }
  override get title(): string {
    return this.#title;
  }
}

/** `err` with its title and detail in `locale` (unchanged in English or for a code without a translation). */
export function inLanguage(err: AppError, locale: Locale): AppError {
  if (locale === "en") return err;
  const texts = DUTCH[err.code];
  return texts ? new TranslatedError(err, texts) : err;
}

function cookieOf(header: string | null, name: string): string | null {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

/** The language of a person's request: their account's choice when known, else the browser's cookie, Accept-Language, the default. */
export function requestLanguage(req: Request, account?: string | null): Locale {
  return resolveLocale({
    account,
    cookie: cookieOf(req.headers.get("cookie"), LOCALE_COOKIE),
    acceptLanguage: req.headers.get("accept-language"),
    fallback: env().CLAIMLINK_DEFAULT_LOCALE,
  });
}
