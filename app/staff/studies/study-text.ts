import type { Tone } from "../../_components/ui/badge";

export type Localized = { nl?: string; en?: string };
export type StudyStatus = "draft" | "recruiting" | "running" | "ended" | "archived";

/** The English text, else the Dutch one (staff pages are in English). */
export const studyName = (t: Localized) => t.en ?? t.nl ?? "";

export const STATUS_TONE: Record<StudyStatus, Tone> = {
  draft: "neutral",
  recruiting: "accent",
  running: "ok",
  ended: "warn",
  archived: "neutral",
};

export const STATUS_ACTION: Record<StudyStatus, string> = {
  draft: "Back to draft",
  recruiting: "Open recruiting",
  running: "Mark running (recruiting closed)",
  ended: "End the study",
  archived: "Archive",
};
