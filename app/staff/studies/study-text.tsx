import { useLocale, useTranslations } from "next-intl";
import Link from "next/link";
import { localized } from "../../_components/localized";
import { Badge, type Tone } from "../../_components/ui/badge";
import type { Column } from "../../_components/ui/data-table";

export type Localized = { nl?: string; en?: string };
export type StudyStatus = "draft" | "recruiting" | "running" | "ended" | "archived";

/** The English text, else the Dutch one (for pages not translated yet; translated ones use `localized`). */
export const studyName = (t: Localized) => t.en ?? t.nl ?? "";

export const STATUS_TONE: Record<StudyStatus, Tone> = {
  draft: "neutral",
  recruiting: "accent",
  running: "ok",
  ended: "warn",
  archived: "neutral",
};

type ListedStudy = {
  id: string;
  name: Localized;
  status: StudyStatus;
  startsOn: string;
  endsOn: string;
  dataPolicy: string;
};

/** A word of the study pages (staffStudies.<key>), in the reader's language; server or client. */
export function StudyWord({ k }: { k: string }) {
  const t = useTranslations("staffStudies");
  return t(k);
}

/** A study's status as a badge, in the reader's language. */
export function StudyStatusBadge({ status, "data-testid": testId }: { status: StudyStatus; "data-testid"?: string }) {
  return (
    <Badge tone={STATUS_TONE[status]} data-testid={testId}>
      <StudyWord k={`status.${status}`} />
    </Badge>
  );
}

function StudyNameLink({ href, name }: { href: string; name: Localized }) {
  const locale = useLocale();
  return (
    <Link href={href} className="font-medium">
      {localized(name, locale)}
    </Link>
  );
}

/** The columns every list of studies shares (staff's and a researcher's), each study linking to `href`. */
export function studyColumns<S extends ListedStudy>(href: (s: S) => string): Column<S>[] {
  return [
    {
      key: "name",
      header: <StudyWord k="columns.name" />,
      primary: true,
      cell: (s) => <StudyNameLink href={href(s)} name={s.name} />,
    },
    {
      key: "status",
      header: <StudyWord k="columns.status" />,
      nowrap: true,
      cell: (s) => <StudyStatusBadge status={s.status} />,
    },
    { key: "dates", header: <StudyWord k="columns.dates" />, nowrap: true, cell: (s) => `${s.startsOn} – ${s.endsOn}` },
    {
      key: "policy",
      header: <StudyWord k="columns.policy" />,
      nowrap: true,
      cell: (s) => <StudyWord k={`policy.${s.dataPolicy}`} />,
    },
  ];
}
