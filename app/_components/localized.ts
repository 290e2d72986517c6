// A study's texts are stored per language (nl, en); the interface is in English, so English
// first and Dutch when that is all there is.

export type Localized = { nl?: string; en?: string };

export function localized(t: Localized | null | undefined): string {
  return t?.en ?? t?.nl ?? "";
}
