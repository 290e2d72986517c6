// A study's texts are stored per language (nl, en); the interface is in English, so English
// first and Dutch when that is all there is.

export type Localized = { nl?: string; en?: string };

export function localized(t: Localized | null | undefined): string {
  return t?.en ?? t?.nl ?? "";
}

/** A study's text in the reader's language, else the other one. */
export function localizedIn(t: Localized | null | undefined, locale: string): string {
  return (locale === "nl" ? (t?.nl ?? t?.en) : (t?.en ?? t?.nl)) ?? "";
}
