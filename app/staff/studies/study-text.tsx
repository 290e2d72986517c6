import Link from "next/link";
import { Badge, type Tone } from "../../_components/ui/badge";
import type { Column } from "../../_components/ui/data-table";

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

type ListedStudy = {
  id: string;
  name: Localized;
  status: StudyStatus;
  startsOn: string;
  endsOn: string;
  dataPolicy: string;
};

/** The columns every list of studies shares (staff's and a researcher's), each study linking to `href`. */
export function studyColumns<S extends ListedStudy>(href: (s: S) => string): Column<S>[] {
  return [
    {
      key: "name",
      header: "Study",
      primary: true,
      cell: (s) => (
        <Link href={href(s)} className="font-medium">
          {studyName(s.name)}
        </Link>
      ),
    },
    {
      key: "status",
      header: "Status",
      nowrap: true,
      cell: (s) => <Badge tone={STATUS_TONE[s.status]}>{s.status}</Badge>,
    },
    { key: "dates", header: "Dates (UTC)", nowrap: true, cell: (s) => `${s.startsOn} – ${s.endsOn}` },
    { key: "policy", header: "On withdrawal", nowrap: true, cell: (s) => s.dataPolicy },
  ];
}
