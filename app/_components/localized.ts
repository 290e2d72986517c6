// A study's texts are stored per language (nl, en): the reader's language first, the other when
// that is all there is.

export type Localized = { nl?: string; en?: string };

export function localized(t: Localized | null | undefined, locale: string = "en"): string {
  const first = locale === "nl" ? t?.nl : t?.en;
  return first || t?.en || t?.nl || "";
}
