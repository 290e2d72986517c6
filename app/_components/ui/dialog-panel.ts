/**
 * The box of a dialog in the middle of the screen, over its overlay. Each dialog adds its width
 * as a whole class (`w-[min(32rem,calc(100vw-2rem))]`), so Tailwind finds it in the source.
 */
export const DIALOG_PANEL =
  "fixed top-1/2 left-1/2 z-50 -translate-x-1/2 -translate-y-1/2 rounded-lg border border-line bg-surface p-5 shadow-xl focus:outline-none";
